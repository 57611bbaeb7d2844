import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { GeneratorError } from "../errors.ts";

const BIOME = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");

/**
 * Formats `paths` (relative to `root`) with the workspace's own Biome settings and sorts their imports, so what a
 * generator writes passes `biome check` as written: a longer name can re-wrap a line or widen a Markdown table, a
 * new scope can reorder imports. No lint fix is applied. Files Biome does not know (Dockerfile) are left alone.
 */
export function formatFiles(root: string, paths: readonly string[]): void {
  if (paths.length === 0) return;
  const result = spawnSync(
    process.execPath,
    [BIOME, "check", "--write", "--only=source/organizeImports", "--no-errors-on-unmatched", ...paths],
    { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || String(result.error);
    throw new GeneratorError(`biome could not format what was written:\n${output}`);
  }
}
