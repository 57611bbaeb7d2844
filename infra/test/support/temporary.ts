import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const created: string[] = [];

/** A new folder under the OS temp dir, removed after the test file (see setup.ts). */
export function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `infra-${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTemporaryDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
