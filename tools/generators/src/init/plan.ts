import { readFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { compare, isText, projectFiles } from "@repo/devkit/files";
import type { FileEdit } from "../workspace/file-edits.ts";
import { setJsonValue } from "../workspace/json-edit.ts";
import { hasMaintainersTools, MAINTAINERS_DIR, maintainersOutputs, planMaintainersRemoval } from "./maintainers.ts";
import { type CurrentSetup, DEPLOYMENT_CONFIG, type InitSettings } from "./settings.ts";

/** Rewritten by `pnpm install` after a scope change, never by hand. */
const LOCKFILE = "pnpm-lock.yaml";
const ROOT_PACKAGE = "package.json";

export interface InitPlan {
  edits: FileEdit[];
  /** Folders and files to delete (the maintainers' part), relative to the root. */
  deletions: string[];
  /** True when package names change: pnpm-lock.yaml then needs `pnpm install`. */
  scopeChanged: boolean;
}

/**
 * Every file init changes, with its new content; nothing is written here. Applying the plan a second time with
 * the same settings yields no edit at all.
 *   - the npm scope: every `<old scope>/` in the project's text files (package names, dependencies, TS imports,
 *     tsconfig `extends`, Dockerfile and buildspec filters, docs);
 *   - the root package.json name: the project name;
 *   - infra/deployment.config.json: projectName, region and source, edited in place;
 *   - when asked, the maintainers' part (./maintainers.ts): deleted, and every place that names it edited.
 */
export function planInit(root: string, current: CurrentSetup, settings: InitSettings): InitPlan {
  const contents = new Map<string, string>();
  const read = (file: string) => contents.get(file) ?? readFileSync(path.join(root, file), "utf8");

  const scopeChanged = settings.scope !== current.scope;
  const removing = settings.removeMaintainers && hasMaintainersTools(root);
  const outputs = removing ? maintainersOutputs(root) : [];
  const removed = (file: string) => removing && (file.startsWith(`${MAINTAINERS_DIR}/`) || outputs.includes(file));
  if (scopeChanged) {
    const pattern = scopeReference(current.scope);
    for (const file of projectFiles(root)) {
      if (file === LOCKFILE || removed(file)) continue;
      const buffer = readFileSync(path.join(root, file));
      if (!isText(buffer)) continue;
      const text = buffer.toString("utf8");
      const rewritten = text.replace(pattern, (_match, before: string) => `${before}${settings.scope}/`);
      if (rewritten !== text) contents.set(file, rewritten);
    }
  }

  contents.set(ROOT_PACKAGE, setIfDifferent(read(ROOT_PACKAGE), ["name"], settings.projectName));
  contents.set(DEPLOYMENT_CONFIG, editDeploymentConfig(read(DEPLOYMENT_CONFIG), current, settings));
  const removal = removing ? planMaintainersRemoval(root, read) : undefined;
  for (const [file, text] of removal?.contents ?? []) contents.set(file, text);

  const edits: FileEdit[] = [];
  for (const [file, after] of [...contents].sort(([a], [b]) => compare(a, b))) {
    const before = readFileSync(path.join(root, file), "utf8");
    if (after !== before) edits.push({ path: file, before, after });
  }
  return { edits, deletions: removal?.deletions ?? [], scopeChanged };
}

/** `<scope>/` where it starts a package reference, not inside a longer word or address (`git@host/`). */
function scopeReference(scope: string): RegExp {
  return new RegExp(`(^|[^\\w@])${scope.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`, "gm");
}

function editDeploymentConfig(text: string, current: CurrentSetup, settings: InitSettings): string {
  let result = setIfDifferent(text, ["projectName"], settings.projectName);
  result = setIfDifferent(result, ["region"], settings.region, "projectName");
  const source = current.config.source as Record<string, unknown> | undefined;
  if (source?.type === settings.source.type) {
    // Same kind of source: each field init sets, in place (the object keeps its layout and any other setting).
    for (const [key, value] of Object.entries(settings.source)) {
      if (!isDeepStrictEqual(source[key], value)) result = setJsonValue(result, ["source", key], value);
    }
  } else {
    // Another kind of source: the other kind's settings do not apply.
    result = setJsonValue(result, ["source"], settings.source);
  }
  return result;
}

function setIfDifferent(text: string, jsonPath: string[], value: unknown, insertAfter?: string): string {
  let current: unknown = JSON.parse(text);
  for (const key of jsonPath) current = (current as Record<string, unknown> | undefined)?.[key];
  return isDeepStrictEqual(current, value) ? text : setJsonValue(text, jsonPath, value, insertAfter);
}
