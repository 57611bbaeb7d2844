import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GeneratorError } from "../errors.ts";

export interface NewFile {
  /** Relative to the new folder, forward slashes. */
  path: string;
  content: Buffer | string;
  /** Permission bits (e.g. 0o755 for a script); default 0o644. */
  mode?: number;
}

/**
 * Creates `root/folder` with exactly `files`, or nothing at all: the files are written into a hidden temporary
 * folder next to the target (same file system), which is renamed into place only once every file is written.
 * `finish` runs on the temporary folder (its path relative to root) before the rename, e.g. to format it.
 */
export function createFolder(
  root: string,
  folder: string,
  files: readonly NewFile[],
  finish?: (stagingFolder: string) => void,
): void {
  const target = path.join(root, folder);
  if (existsSync(target)) throw new GeneratorError(`${folder} already exists`);
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  // A dot-folder: pnpm's workspace globs and service discovery never see it while it is being written.
  const staging = path.join(parent, `.${path.basename(target)}.plop-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(staging);
    for (const file of files) {
      const absolute = path.join(staging, file.path);
      if (!absolute.startsWith(staging + path.sep))
        throw new GeneratorError(`refusing to write outside ${folder}: ${file.path}`);
      mkdirSync(path.dirname(absolute), { recursive: true });
      writeFileSync(absolute, file.content, { mode: file.mode ?? 0o644 });
    }
    finish?.(path.relative(root, staging));
    // Checked again: another process may have created it meanwhile (rename would replace an empty folder).
    if (existsSync(target)) throw new GeneratorError(`${folder} already exists`);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Removes a folder createFolder made (rollback after a later step failed), and says so. */
export function removeFolder(root: string, folder: string): string {
  rmSync(path.join(root, folder), { recursive: true, force: true });
  return `removed ${folder}`;
}
