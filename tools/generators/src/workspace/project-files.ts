import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Outside a git checkout (a downloaded archive, a copy), these are left out: the same things the repository's
 * .gitignore ignores. Inside one, git decides (tracked files plus untracked ones that are not ignored).
 */
const IGNORED_FOLDERS = new Set([
  ".git",
  "node_modules",
  "dist",
  "cdk.out",
  ".turbo",
  "coverage",
  ".artifacts",
  ".cache",
]);
const IGNORED_FILE = /(^\.env(\..*)?$|\.log$|\.tsbuildinfo$|^\.DS_Store$)/;
const KEPT_FILE = /^\.env\.example$/;

/**
 * The project's own files under `dir` (relative to `root`): never node_modules, build output or caches.
 * Paths are relative to `dir`, with forward slashes, sorted.
 */
export function listProjectFiles(root: string, dir = "."): string[] {
  const fromGit = gitFiles(root, dir);
  const files = fromGit ?? walk(path.join(root, dir), "");
  return [...new Set(files)].filter((file) => isFile(path.join(root, dir, file))).sort(compare);
}

function gitFiles(root: string, dir: string): string[] | undefined {
  try {
    const output = execFileSync(
      "git",
      ["-C", path.join(root, dir), "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 },
    );
    return output.split("\0").filter((file) => file !== "");
  } catch {
    // Not a git checkout (or no git): fall back to the built-in ignore list.
    return undefined;
  }
}

function walk(absolute: string, relative: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(absolute, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!IGNORED_FOLDERS.has(entry.name)) files.push(...walk(path.join(absolute, entry.name), childRelative));
    } else if (entry.isFile() && (KEPT_FILE.test(entry.name) || !IGNORED_FILE.test(entry.name))) {
      files.push(childRelative);
    }
  }
  return files;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A text file has no NUL byte (git's own heuristic); only text files are ever rewritten. */
export function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}

/** Plain code-unit order, the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
