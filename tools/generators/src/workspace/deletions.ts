import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import path from "node:path";

/** A path moved aside: it can be put back until it is deleted for good. */
export interface Aside {
  /** Relative to the root. */
  path: string;
  /** Absolute: a hidden sibling, on the same file system (a rename, never a copy). */
  aside: string;
}

/**
 * Moves each path (relative to `root`) aside, all or none: the workspace no longer sees them (a dot-name is no
 * workspace package), and a later failure can still put them back.
 */
export function moveAside(root: string, paths: readonly string[]): Aside[] {
  const moved: Aside[] = [];
  try {
    for (const relative of paths) {
      const absolute = path.join(root, relative);
      const aside = path.join(
        path.dirname(absolute),
        `.${path.basename(absolute)}.plop-${process.pid}-${randomBytes(4).toString("hex")}`,
      );
      renameSync(absolute, aside);
      moved.push({ path: relative, aside });
    }
  } catch (error) {
    putBack(root, moved);
    throw error;
  }
  return moved;
}

export function putBack(root: string, moved: readonly Aside[]): void {
  for (const entry of [...moved].reverse()) renameSync(entry.aside, path.join(root, entry.path));
}

export function deleteForGood(moved: readonly Aside[]): void {
  for (const entry of moved) rmSync(entry.aside, { recursive: true, force: true });
}
