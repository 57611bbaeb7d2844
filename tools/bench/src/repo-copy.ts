import { cp } from "node:fs/promises";
import path from "node:path";

/** Never copied: installed or generated, and rebuilt by whatever runs in the copy. */
export const NOT_COPIED = new Set(["node_modules", ".git", "dist", "cdk.out", ".turbo", "coverage", ".artifacts"]);

/**
 * Copies the working tree (as it is now, uncommitted changes included) without dependencies and build output:
 * what a fresh clone holds before `pnpm install`. Measurements that edit files or fill caches run in such a copy,
 * so the developer's checkout and caches are never touched.
 */
export async function copyRepository(repoRoot: string, target: string): Promise<void> {
  await cp(repoRoot, target, {
    recursive: true,
    filter: (source) => source === repoRoot || !NOT_COPIED.has(path.basename(source)),
  });
}
