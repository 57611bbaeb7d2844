import { existsSync } from "node:fs";
import path from "node:path";
import { GeneratorError } from "../errors.ts";

export const WORKSPACE_FILE = "pnpm-workspace.yaml";

/** The workspace root: the nearest folder at or above `start` that holds pnpm-workspace.yaml. */
export function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, WORKSPACE_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new GeneratorError(`no ${WORKSPACE_FILE} found in ${start} or any folder above it`);
    dir = parent;
  }
}
