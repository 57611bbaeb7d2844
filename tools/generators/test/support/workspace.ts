// Test support: throw-away copies of this repository for the generators to write into, and what is in them.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository these tests live in: what every copy is made from. */
export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

const NOT_COPIED = new Set(["node_modules", ".git", ".turbo", "dist", "cdk.out", "coverage", ".cache", ".artifacts"]);
/** The template's own service: the services an owner added are left out, so the tests see the template's state. */
const TEMPLATE_SERVICE = "sample-service";
const copies: string[] = [];

export interface CopyOptions {
  /** Make the copy a git repository (every file untracked), so the generators list files through git. */
  git?: boolean;
}

/**
 * A copy of the repository's own files (no node_modules, build output, caches or .git), with apps/ holding only the
 * sample service, so the tests keep passing after an owner adds services (e.g. one called "orders").
 */
export function copyWorkspace(options: CopyOptions = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "generators-"));
  copies.push(root);
  const appsDir = path.join(REPO_ROOT, "apps");
  cpSync(REPO_ROOT, root, {
    recursive: true,
    filter: (source) =>
      !NOT_COPIED.has(path.basename(source)) &&
      !(path.dirname(source) === appsDir && path.basename(source) !== TEMPLATE_SERVICE),
  });
  if (options.git) execFileSync("git", ["init", "--quiet"], { cwd: root });
  return root;
}

export function removeCopies(): void {
  for (const root of copies.splice(0)) rmSync(root, { recursive: true, force: true });
}

/**
 * Every file and folder in the copy (node_modules and .git aside) with each file's size, mode and modification
 * time in nanoseconds: equal snapshots mean nothing was written (even with the same content), renamed or left
 * behind (temporary folders included).
 */
export function snapshotTree(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".git") continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        entries.set(`${child}/`, "dir");
        walk(absolute, child);
      } else {
        const stat = statSync(absolute, { bigint: true });
        entries.set(child, `${stat.size}:${stat.mode}:${stat.mtimeNs}`);
      }
    }
  };
  walk(root, "");
  return entries;
}

/** Paths added, removed or changed between two snapshots. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [file, hash] of before) if (after.get(file) !== hash) changed.add(file);
  for (const file of after.keys()) if (!before.has(file)) changed.add(file);
  return [...changed].sort();
}

export function readText(root: string, file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}

export function readJson<T = Record<string, unknown>>(root: string, file: string): T {
  return JSON.parse(readText(root, file)) as T;
}

/** The npm scope the repository's packages use now (after `init`, no longer @repo). */
export function currentScope(): string {
  const name = readJson<{ name: string }>(REPO_ROOT, "tools/generators/package.json").name;
  return name.slice(0, name.indexOf("/"));
}
