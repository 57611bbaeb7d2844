// The README's diagram of the workspace packages and their dependencies, drawn from the package.json files, so the
// picture cannot drift from the graph the pipelines' triggers are computed from.
import { readFileSync } from "node:fs";
import path from "node:path";
import { compare } from "@repo/devkit/files";
import {
  directWorkspaceDependencies,
  readWorkspace,
  type Workspace,
  type WorkspacePackage,
} from "@repo/pipeline-triggers";

export const README = "README.md";
export const DIAGRAM_BEGIN = "<!-- workspace-graph:begin -->";
export const DIAGRAM_END = "<!-- workspace-graph:end -->";

/** How each folder of packages is titled in the diagram. */
const GROUP_TITLES: Readonly<Record<string, string>> = {
  apps: "apps/: the services",
  packages: "packages/: shared code",
  tools: "tools/: what you run",
  "tools/maintainers": "tools/maintainers/: what the template's maintainers run",
};

/**
 * A Mermaid flowchart: one node per workspace package (its folder), grouped by the folder it sits in; an arrow for
 * each workspace dependency, dashed when it is a devDependency only. A package every other one depends on (the
 * shared TypeScript settings) is drawn without its arrows, which would only cross the picture. Packages in
 * `leaveOut` (folders) are not drawn.
 */
export function workspaceDiagram(workspace: Workspace, leaveOut: readonly string[] = []): string {
  const drawn = workspace.packages.filter(
    (pkg) => !leaveOut.some((dir) => pkg.dir === dir || pkg.dir.startsWith(`${dir}/`)),
  );
  const dependencies = new Map(
    drawn.map((pkg) => [pkg.dir, directWorkspaceDependencies(workspace, pkg).filter((dep) => drawn.includes(dep))]),
  );
  const everyones = new Set(
    drawn
      .filter((candidate) => drawn.every((pkg) => pkg === candidate || dependencies.get(pkg.dir)?.includes(candidate)))
      .map((pkg) => pkg.dir),
  );
  const label = (pkg: WorkspacePackage) =>
    `${path.posix.basename(pkg.dir)}${everyones.has(pkg.dir) ? " (every package uses it)" : ""}`;
  const groups = new Map<string, WorkspacePackage[]>();
  for (const pkg of drawn) {
    const group = path.posix.dirname(pkg.dir);
    groups.set(group, [...(groups.get(group) ?? []), pkg]);
  }
  const lines = ["```mermaid", "flowchart LR"];
  for (const [group, members] of [...groups].sort(([a], [b]) => compare(a, b))) {
    const nodes = members.map((pkg) => `${nodeId(pkg)}["${label(pkg)}"]`);
    if (group === ".") {
      lines.push(...nodes.map((node) => `  ${node}`));
      continue;
    }
    lines.push(`  subgraph ${nodeId({ dir: group })}["${GROUP_TITLES[group] ?? `${group}/`}"]`);
    lines.push(...nodes.map((node) => `    ${node}`), "  end");
  }
  const edges: string[] = [];
  for (const pkg of drawn) {
    for (const dependency of dependencies.get(pkg.dir) ?? []) {
      if (everyones.has(dependency.dir)) continue;
      const arrow = isDevOnly(pkg, dependency) ? "-.->" : "-->";
      edges.push(`  ${nodeId(pkg)} ${arrow} ${nodeId(dependency)}`);
    }
  }
  lines.push(...edges.sort(compare), "```");
  return lines.join("\n");
}

/** The README with its diagram block replaced by `diagram`. */
export function withDiagram(readme: string, diagram: string): string {
  const start = readme.indexOf(DIAGRAM_BEGIN);
  const end = readme.indexOf(DIAGRAM_END);
  if (start === -1 || end < start) {
    throw new Error(`${README} has no workspace diagram block (${DIAGRAM_BEGIN} ... ${DIAGRAM_END})`);
  }
  return `${readme.slice(0, start + DIAGRAM_BEGIN.length)}\n${diagram}\n${readme.slice(end)}`;
}

/** The diagram the README shows, or undefined when it has none. */
export function diagramIn(readme: string): string | undefined {
  const start = readme.indexOf(DIAGRAM_BEGIN);
  const end = readme.indexOf(DIAGRAM_END);
  if (start === -1 || end < start) return undefined;
  return readme.slice(start + DIAGRAM_BEGIN.length, end).trim();
}

/** The README of `root` with the diagram of its workspace as it is now. */
export function readmeWithCurrentDiagram(root: string): string {
  return withDiagram(readFileSync(path.join(root, README), "utf8"), workspaceDiagram(readWorkspace(root)));
}

function nodeId(pkg: { dir: string }): string {
  return pkg.dir.replace(/[^A-Za-z0-9]+/g, "_");
}

function isDevOnly(pkg: WorkspacePackage, dependency: WorkspacePackage): boolean {
  const listed = (field: string) => {
    const entries = pkg.manifest[field];
    return (
      typeof entries === "object" && entries !== null && dependency.name !== undefined && dependency.name in entries
    );
  };
  return (
    listed("devDependencies") &&
    !listed("dependencies") &&
    !listed("peerDependencies") &&
    !listed("optionalDependencies")
  );
}
