import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { GOLDEN_DIR } from "./fixtures.ts";

/**
 * Compares a produced file with test/golden/<name> byte for byte. `UPDATE_GOLDEN=1 pnpm test` rewrites the golden
 * files instead (review the diff before committing).
 */
export async function expectGolden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual);
    return;
  }
  const expected = await readFile(path, "utf8");
  expect(Buffer.from(actual).equals(Buffer.from(expected)), `${name} differs from its golden file`).toBe(true);
  expect(actual).toBe(expected);
}
