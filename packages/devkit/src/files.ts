// The repository's own files, and copies of them: what a clean checkout of the working tree holds (uncommitted work
// included), never node_modules, build output or caches. The one ignore list is the repository's .gitignore: git
// applies it where the folder is a checkout, and this module applies it where git cannot answer (a copy, an archive).
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  type Dirent,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
} from "node:fs";
import path from "node:path";

export const IGNORE_FILE = ".gitignore";

/**
 * The project's files under `dir` (relative to `root`), relative to `dir`, forward slashes, sorted: through git
 * (tracked files and untracked ones it does not ignore) in a checkout, else every file the root .gitignore keeps.
 * Tracked files deleted in the working tree are left out.
 */
export function projectFiles(root: string, dir = "."): string[] {
  const listed = gitFiles(root, dir) ?? walk(root, dir, ignoreRules(root));
  return [...new Set(listed)].filter((file) => exists(path.join(root, dir, file))).sort(compare);
}

export interface CopyOptions {
  /** Only the files (relative to the root) this says yes to. */
  include?: (file: string) => boolean;
}

/**
 * Copies the project's files into `target` (created): modes and modification times kept, so an image build's layer
 * cache sees the files it saw last time; symbolic links stay links. What a fresh clone holds before `pnpm install`.
 */
export function copyProjectFiles(
  root: string,
  target: string,
  options: CopyOptions = {},
): { files: number; bytes: number } {
  const files = projectFiles(root).filter((file) => options.include?.(file) ?? true);
  let copied = 0;
  let bytes = 0;
  const folders = new Set<string>();
  for (const file of files) {
    const from = path.join(root, file);
    const info = lstatSync(from);
    const to = path.join(target, file);
    const folder = path.dirname(to);
    if (!folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    if (info.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else {
      copyFileSync(from, to);
      utimesSync(to, info.atime, info.mtime);
      bytes += info.size;
    }
    copied++;
  }
  return { files: copied, bytes };
}

/** A text file has no NUL byte in its first 8000 bytes (git's own heuristic). */
export function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}

/** Plain code-unit order, the same on every machine (no locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    // Not a git checkout (or no git): the ignore file decides.
    return undefined;
  }
}

/** A file or a symbolic link (a folder, a submodule, a socket is not a project file). */
function exists(file: string): boolean {
  try {
    const info = lstatSync(file);
    return info.isFile() || info.isSymbolicLink();
  } catch {
    return false;
  }
}

interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
  folderOnly: boolean;
}

/** The root ignore file's patterns (the forms .gitignore uses: globs, `/` anchors, trailing `/`, `!`). */
export function ignoreRules(root: string): IgnoreRule[] {
  let text = "";
  try {
    text = readFileSync(path.join(root, IGNORE_FILE), "utf8");
  } catch {
    // No ignore file: only .git is left out.
  }
  const rules: IgnoreRule[] = [{ pattern: /(^|\/)\.git$/, negated: false, folderOnly: false }];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    let body = negated ? line.slice(1) : line;
    const folderOnly = body.endsWith("/");
    if (folderOnly) body = body.slice(0, -1);
    const anchored = body.includes("/");
    body = body.replace(/^\//, "");
    rules.push({ pattern: new RegExp(`${anchored ? "^" : "(^|/)"}${globSource(body)}$`), negated, folderOnly });
  }
  return rules;
}

/** Whether the rules leave out `file` (relative to the root, forward slashes): the last matching rule decides. */
export function isIgnored(rules: readonly IgnoreRule[], file: string, isFolder: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.folderOnly && !isFolder) continue;
    if (rule.pattern.test(file)) ignored = !rule.negated;
  }
  return ignored;
}

function globSource(glob: string): string {
  let source = "";
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === "*" && glob[index + 1] === "*") {
      source += ".*";
      index++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return source;
}

function walk(root: string, dir: string, rules: readonly IgnoreRule[]): string[] {
  const base = path.posix.normalize(dir.replaceAll("\\", "/"));
  const files: string[] = [];
  const visit = (relative: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(root, base, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const fromRoot = base === "." ? child : `${base}/${child}`;
      if (isIgnored(rules, fromRoot, entry.isDirectory())) continue;
      if (entry.isDirectory()) visit(child);
      else files.push(child);
    }
  };
  visit("");
  return files;
}
