import { readWorkspace } from "@repo/pipeline-triggers";
import { GeneratorError } from "../errors.ts";

/** An npm scope: `@` then lowercase letters, digits and `-._~` (not starting with `.` or `_`). */
export const SCOPE_PATTERN = /^@[a-z0-9-~][a-z0-9-._~]*$/;

/** The npm scope every workspace package is named in (e.g. "@repo"); the generators name new packages in it. */
export function workspaceScope(root: string): string {
  const scopes = new Map<string, string[]>();
  for (const pkg of readWorkspace(root).packages) {
    const scope = pkg.name?.startsWith("@") ? pkg.name.slice(0, pkg.name.indexOf("/")) : undefined;
    if (scope === undefined) continue;
    scopes.set(scope, [...(scopes.get(scope) ?? []), pkg.manifestPath]);
  }
  if (scopes.size === 1) return [...scopes.keys()][0] as string;
  if (scopes.size === 0) throw new GeneratorError("no workspace package has a scoped name (@scope/name)");
  const list = [...scopes].map(([scope, files]) => `${scope} (${files.join(", ")})`).join("; ");
  throw new GeneratorError(`workspace packages use several npm scopes: ${list}; rename them to one`);
}
