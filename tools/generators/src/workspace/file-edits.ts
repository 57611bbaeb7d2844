import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface FileEdit {
  /** Relative to the root, forward slashes. */
  path: string;
  before: string;
  after: string;
}

/** The content a file had, to put it back: undefined when it did not exist. */
export type Snapshot = Map<string, Buffer | undefined>;

/**
 * Writes every edit, each file replaced atomically (written beside it, then renamed over it). If one write fails,
 * the files already written are put back as they were, so the edits apply completely or not at all.
 */
export function applyEdits(root: string, edits: readonly FileEdit[]): void {
  const written: FileEdit[] = [];
  try {
    for (const edit of edits) {
      replaceFile(path.join(root, edit.path), edit.after);
      written.push(edit);
    }
  } catch (error) {
    for (const edit of written.reverse()) replaceFile(path.join(root, edit.path), edit.before);
    throw error;
  }
}

/** Puts the edited files back as they were before applyEdits (rollback after a later step failed). */
export function revertEdits(root: string, edits: readonly FileEdit[]): void {
  for (const edit of [...edits].reverse()) replaceFile(path.join(root, edit.path), edit.before);
}

export function snapshot(root: string, files: readonly string[]): Snapshot {
  const saved: Snapshot = new Map();
  for (const file of files) {
    try {
      saved.set(file, readFileSync(path.join(root, file)));
    } catch {
      saved.set(file, undefined);
    }
  }
  return saved;
}

/** Puts back what snapshot saved; a file that still has its saved content is not rewritten. */
export function restore(root: string, saved: Snapshot): void {
  for (const [file, content] of saved) {
    const absolute = path.join(root, file);
    if (content === undefined) rmSync(absolute, { force: true });
    else if (!content.equals(readOrEmpty(absolute))) replaceFile(absolute, content);
  }
}

function readOrEmpty(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

function replaceFile(absolute: string, content: string | Buffer): void {
  let mode = 0o644;
  try {
    mode = statSync(absolute).mode & 0o777;
  } catch {
    // A new file: the default mode.
  }
  const temporary = `${absolute}.plop-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(temporary, content, { mode });
    renameSync(temporary, absolute);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
