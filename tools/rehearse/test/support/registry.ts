// Test support: a docker-registry of the test's own on 127.0.0.1, its storage and config under a test folder.
import path from "node:path";
import { type LocalRegistry, startLocalRegistry } from "../../src/registry.ts";

/** Starts one under `dir` (`<name>-storage`, `<name>/`); the caller stops it. */
export function startTestRegistry(dir: string, name = "registry"): Promise<LocalRegistry> {
  return startLocalRegistry({
    storageDir: path.join(dir, `${name}-storage`),
    workDir: path.join(dir, name),
    keep: false,
  });
}
