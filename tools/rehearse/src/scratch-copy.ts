import { execFile } from "node:child_process";
import { copyFile, lstat, mkdir, readlink, symlink, utimes } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function git(repoRoot: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`\`git ${args.join(" ")}\` failed in ${repoRoot}${stderr ? `: ${stderr}` : ""}`);
  }
}

/**
 * The files a clean checkout of the working tree would hold: tracked and untracked-but-not-ignored files
 * (`git ls-files -co --exclude-standard`), so uncommitted work is rehearsed too. Tracked files deleted in the
 * working tree are left out, as they would be from the next commit.
 */
export async function workingTreeFiles(repoRoot: string): Promise<string[]> {
  const listed = (await git(repoRoot, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]))
    .split("\0")
    .filter((file) => file.length > 0);
  return [...new Set(listed)].sort();
}

export interface SourceVersion {
  /** `git rev-parse HEAD`: CODEBUILD_RESOLVED_SOURCE_VERSION. */
  commit: string;
  /** The working tree differs from HEAD (changed, deleted or untracked files): the rehearsal builds more than HEAD. */
  dirty: boolean;
}

export async function sourceVersion(repoRoot: string): Promise<SourceVersion> {
  const commit = (await git(repoRoot, ["rev-parse", "HEAD"])).trim();
  const status = await git(repoRoot, ["status", "--porcelain", "--untracked-files=normal"]);
  return { commit, dirty: status.trim().length > 0 };
}

/**
 * Copies the working tree's files into `destination` (like CodeBuild's fresh checkout: no node_modules, no build
 * output, no .git). Modes and modification times are kept, so the image build's layer cache sees the same
 * files it saw last time; symbolic links stay links.
 */
export async function copyWorkingTree(
  repoRoot: string,
  destination: string,
): Promise<{ files: number; bytes: number }> {
  const files = await workingTreeFiles(repoRoot);
  let copied = 0;
  let bytes = 0;
  const directories = new Set<string>();
  for (const file of files) {
    const from = path.join(repoRoot, file);
    const info = await lstat(from).catch(() => undefined);
    if (!info) continue; // deleted in the working tree
    const to = path.join(destination, file);
    const dir = path.dirname(to);
    if (!directories.has(dir)) {
      await mkdir(dir, { recursive: true });
      directories.add(dir);
    }
    if (info.isSymbolicLink()) {
      await symlink(await readlink(from), to);
    } else if (info.isFile()) {
      await copyFile(from, to);
      await utimes(to, info.atime, info.mtime);
      bytes += info.size;
    } else {
      continue; // a submodule or other special entry: not part of a source archive
    }
    copied++;
  }
  return { files: copied, bytes };
}
