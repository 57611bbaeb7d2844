import path from "node:path";
import { isRecord, type Workspace, WorkspaceError, type WorkspacePackage } from "./workspace.ts";

/** The package.json fields whose entries can pull a workspace package into a build. */
export const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
] as const;

/**
 * The workspace packages one package depends on directly. An entry counts when it uses the `workspace:` protocol
 * (by name, alias `workspace:other@*`, or relative path `workspace:../x`), when its name is a workspace package
 * (even a plain range: starting one pipeline too many is safe, missing one is not), or when a `link:`/`file:`
 * path points at a workspace package folder.
 */
export function directWorkspaceDependencies(workspace: Workspace, pkg: WorkspacePackage): WorkspacePackage[] {
  const found = new Map<string, WorkspacePackage>();
  for (const field of DEPENDENCY_FIELDS) {
    const entries = pkg.manifest[field];
    if (entries === undefined) continue;
    if (!isRecord(entries)) throw new WorkspaceError(`${pkg.manifestPath}: ${field}: must be an object`);
    for (const [name, spec] of Object.entries(entries)) {
      if (typeof spec !== "string") {
        throw new WorkspaceError(`${pkg.manifestPath}: ${field}.${name}: must be a version string`);
      }
      const target = resolveDependency(workspace, pkg, field, name, spec);
      if (target) found.set(target.dir, target);
    }
  }
  return [...found.values()];
}

function resolveDependency(
  workspace: Workspace,
  pkg: WorkspacePackage,
  field: string,
  name: string,
  spec: string,
): WorkspacePackage | undefined {
  const where = `${pkg.manifestPath}: ${field}.${name}`;
  if (spec.startsWith("workspace:")) {
    const rest = spec.slice("workspace:".length);
    if (isRelativePath(rest)) {
      const target = packageAtPath(workspace, pkg, rest);
      if (!target) throw new WorkspaceError(`${where}: "${spec}" points at no workspace package folder`);
      return target;
    }
    const targetName = aliasTarget(rest) ?? name;
    const target = workspace.byName.get(targetName);
    if (!target) {
      throw new WorkspaceError(
        `${where}: "${spec}" refers to "${targetName}", which is not a workspace package (${knownNames(workspace)})`,
      );
    }
    return target;
  }
  for (const protocol of ["link:", "file:"]) {
    if (spec.startsWith(protocol)) return packageAtPath(workspace, pkg, spec.slice(protocol.length));
  }
  return workspace.byName.get(name);
}

/** `workspace:@scope/name@^1` and `workspace:name@*` are aliases; `workspace:*`, `workspace:^1.2` are not. */
function aliasTarget(rest: string): string | undefined {
  const match = /^(@[^/@]+\/[^@]+|[^@]+)@/.exec(rest);
  return match?.[1];
}

function isRelativePath(value: string): boolean {
  return value.startsWith("./") || value.startsWith("../") || value === "." || value === "..";
}

function packageAtPath(workspace: Workspace, from: WorkspacePackage, relative: string): WorkspacePackage | undefined {
  const dir = path.posix.normalize(path.posix.join(from.dir, relative)).replace(/\/+$/, "");
  return workspace.byDir.get(dir);
}

function knownNames(workspace: Workspace): string {
  const names = [...workspace.byName.keys()].sort();
  return names.length === 0 ? "the workspace has no named packages" : `known: ${names.join(", ")}`;
}

/**
 * The package and every workspace package it depends on, transitively. A dependency cycle is an error naming
 * the whole loop, each step with the package.json it comes from.
 */
export function workspaceClosure(workspace: Workspace, roots: readonly WorkspacePackage[]): WorkspacePackage[] {
  const done = new Map<string, WorkspacePackage>();
  const onStack: WorkspacePackage[] = [];

  const visit = (pkg: WorkspacePackage): void => {
    if (done.has(pkg.dir)) return;
    const loopStart = onStack.findIndex((entry) => entry.dir === pkg.dir);
    if (loopStart !== -1) {
      const loop = [...onStack.slice(loopStart), pkg].map(describe).join(" -> ");
      throw new WorkspaceError(`workspace dependency cycle: ${loop}; break the cycle so builds have an order`);
    }
    onStack.push(pkg);
    for (const dependency of directWorkspaceDependencies(workspace, pkg)) visit(dependency);
    onStack.pop();
    done.set(pkg.dir, pkg);
  };

  for (const root of roots) visit(root);
  return [...done.values()];
}

function describe(pkg: WorkspacePackage): string {
  return `${pkg.name ?? "(nameless)"} (${pkg.manifestPath})`;
}
