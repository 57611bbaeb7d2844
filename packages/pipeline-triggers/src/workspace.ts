import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";

/** A problem with the workspace's files, with the file (and field) it is about in the message. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkspaceError";
  }
}

export interface WorkspacePackage {
  /** The package.json `name`; undefined for a nameless package (nothing can depend on it by name). */
  name: string | undefined;
  /** Folder relative to the repository root, forward slashes, no trailing slash (e.g. "packages/shared"). */
  dir: string;
  /** Path of its package.json relative to the repository root (used in error messages). */
  manifestPath: string;
  manifest: PackageManifest;
}

export interface PackageManifest {
  name?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  [field: string]: unknown;
}

export interface Workspace {
  repoRoot: string;
  packages: readonly WorkspacePackage[];
  byName: ReadonlyMap<string, WorkspacePackage>;
  byDir: ReadonlyMap<string, WorkspacePackage>;
}

export const WORKSPACE_FILE = "pnpm-workspace.yaml";

/**
 * Reads pnpm-workspace.yaml's `packages` globs and every matched package.json.
 * Only the simple glob forms this template uses are understood: `dir/*` (each direct sub-folder holding a
 * package.json) and `dir` (that folder). Anything else is rejected rather than guessed at.
 */
export function readWorkspace(repoRoot: string): Workspace {
  const globs = readWorkspaceGlobs(repoRoot);
  const byDir = new Map<string, WorkspacePackage>();
  for (const glob of globs) {
    for (const dir of expandWorkspaceGlob(repoRoot, glob)) {
      if (!byDir.has(dir)) byDir.set(dir, readWorkspacePackage(repoRoot, dir));
    }
  }
  const packages = [...byDir.values()].sort((a, b) => compare(a.dir, b.dir));
  const byName = new Map<string, WorkspacePackage>();
  for (const pkg of packages) {
    if (pkg.name === undefined) continue;
    const other = byName.get(pkg.name);
    if (other) {
      throw new WorkspaceError(
        `${pkg.manifestPath}: name "${pkg.name}" is already used by ${other.manifestPath}; workspace package names must be unique`,
      );
    }
    byName.set(pkg.name, pkg);
  }
  return { repoRoot, packages, byName, byDir };
}

function readWorkspaceGlobs(repoRoot: string): string[] {
  const file = path.join(repoRoot, WORKSPACE_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new WorkspaceError(`${WORKSPACE_FILE}: cannot be read (${errorCode(error)})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new WorkspaceError(`${WORKSPACE_FILE}: is not valid YAML (${(error as Error).message})`);
  }
  const packages = isRecord(document) ? document.packages : undefined;
  if (!Array.isArray(packages) || packages.length === 0) {
    throw new WorkspaceError(`${WORKSPACE_FILE}: packages: must be a non-empty list of folder globs`);
  }
  return packages.map((glob, index) => {
    if (typeof glob !== "string" || glob.trim() === "") {
      throw new WorkspaceError(`${WORKSPACE_FILE}: packages[${index}]: must be a non-empty string`);
    }
    return glob;
  });
}

/** Expands one `packages` entry into package folders (relative, sorted). */
function expandWorkspaceGlob(repoRoot: string, glob: string): string[] {
  const normalized = glob.trim().replace(/^\.\//, "").replace(/\/+$/, "");
  const oneLevel = normalized.endsWith("/*");
  const base = oneLevel ? normalized.slice(0, -2) : normalized;
  if (base === "" || base.startsWith("/") || base.split("/").includes("..") || /[*?[\]{}!]/.test(base)) {
    throw new WorkspaceError(
      `${WORKSPACE_FILE}: packages: "${glob}" is not a supported pattern (only "dir/*" and "dir" are understood)`,
    );
  }
  if (!oneLevel) return hasPackageJson(repoRoot, base) ? [base] : [];
  let entries: string[];
  try {
    entries = readdirSync(path.join(repoRoot, base));
  } catch {
    return [];
  }
  return entries
    .sort(compare)
    .map((entry) => `${base}/${entry}`)
    .filter((dir) => isDirectory(path.join(repoRoot, dir)) && hasPackageJson(repoRoot, dir));
}

function readWorkspacePackage(repoRoot: string, dir: string): WorkspacePackage {
  const manifestPath = `${dir}/package.json`;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path.join(repoRoot, manifestPath), "utf8"));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `cannot be read`;
    throw new WorkspaceError(`${manifestPath}: ${reason}`);
  }
  if (!isRecord(manifest)) throw new WorkspaceError(`${manifestPath}: must be a JSON object`);
  if (manifest.name !== undefined && (typeof manifest.name !== "string" || manifest.name === "")) {
    throw new WorkspaceError(`${manifestPath}: name: must be a non-empty string`);
  }
  return { name: manifest.name as string | undefined, dir, manifestPath, manifest };
}

function hasPackageJson(repoRoot: string, dir: string): boolean {
  try {
    return statSync(path.join(repoRoot, dir, "package.json")).isFile();
  } catch {
    return false;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Plain code-unit order, the same on every machine (no locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
