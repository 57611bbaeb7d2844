// Test support: throw-away copies of this repository for the generators to write into, and what is in them.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, copyProjectFiles } from "@repo/devkit/files";
import { readWorkspace, type WorkspacePackage, workspaceClosure } from "@repo/pipeline-triggers";
import { MAINTAINERS_DIR, maintainersOutputs } from "../../src/init/maintainers.ts";
import { TEMPLATE_SERVICE } from "../../src/service/settings.ts";

/** The repository these tests live in: what every copy is made from. */
export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

const copies: string[] = [];

export interface CopyOptions {
  /** Make the copy a git repository (every file untracked), so the generators list files through git. */
  git?: boolean;
}

/**
 * What the copies hold, and so what these tests read (this package's turbo.json lists the same as the test task's
 * inputs; test/turbo-inputs.test.ts keeps the two equal):
 *   - the root files (workspace wiring, the lockfile, the README init edits);
 *   - the template service and infra with every workspace package they depend on: the generators read the
 *     template, and the end-to-end test installs the copy, runs the new service's tests and synthesizes infra;
 *   - the maintainers' package.json files and the figures they publish, which init removes when asked.
 * Other services are left out, so the tests see the template's state after an owner adds services.
 */
export function copiedPaths(root: string = REPO_ROOT): string[] {
  const workspace = readWorkspace(root);
  const roots = [`apps/${TEMPLATE_SERVICE}`, "infra"].map((dir) => workspace.byDir.get(dir) as WorkspacePackage);
  const folders = workspaceClosure(workspace, roots).map((pkg) => `${pkg.dir}/`);
  const maintainers = workspace.packages
    .filter((pkg) => pkg.dir.startsWith(`${MAINTAINERS_DIR}/`))
    .map((pkg) => pkg.manifestPath);
  return [...folders, ...maintainers, ...maintainersOutputs(root)].sort(compare);
}

/** A copy of the repository's own files that the tests read (see copiedPaths), in a new temporary folder. */
export function copyWorkspace(options: CopyOptions = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "generators-"));
  copies.push(root);
  const paths = copiedPaths();
  copyProjectFiles(REPO_ROOT, root, {
    include: (file) =>
      !file.includes("/") || paths.some((entry) => (entry.endsWith("/") ? file.startsWith(entry) : file === entry)),
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
 * behind (temporary folders included). By content: equal snapshots mean everything is as it was (a rollback).
 */
export function snapshotTree(root: string, by: "metadata" | "content" = "metadata"): Map<string, string> {
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
        const what = by === "content" ? readFileSync(absolute, "latin1") : stat.mtimeNs;
        entries.set(child, `${stat.size}:${stat.mode}:${what}`);
      }
    }
  };
  walk(root, "");
  return entries;
}

/**
 * Makes the next `pnpm install` in `root` fail for real: a workspace package (named in `scope`) whose dependency
 * cannot be resolved.
 */
export function breakInstall(root: string, scope: string, dependencies: Record<string, string>): void {
  mkdirSync(path.join(root, "packages/broken"));
  writeFileSync(
    path.join(root, "packages/broken/package.json"),
    JSON.stringify({ name: `${scope}/broken`, private: true, dependencies }),
  );
}

/** What changes in `root` from now on: `changes()` lists the paths added, removed or changed since the call. */
export function watchTree(root: string, by: "metadata" | "content" = "metadata") {
  const before = snapshotTree(root, by);
  return Object.assign(() => treeChanges(before, snapshotTree(root, by)), { before });
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
