// A copy of this repository's files (no node_modules) with a service's manifest changed, for the stacks the
// workspace's own infra synthesizes from it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { copyProjectFiles } from "@repo/devkit/files";
import { synthesize } from "../../src/deploy/templates.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");
export const INFRA_DIR = path.join(REPO_ROOT, "infra");

type Json = Record<string, unknown>;

export interface RepoCopy {
  root: string;
  remove(): void;
}

export function copyWithManifest(service: string, change: (manifest: Json) => void): RepoCopy {
  const root = mkdtempSync(path.join(tmpdir(), "rehearse-repo-"));
  copyProjectFiles(REPO_ROOT, root);
  editJson(path.join(root, "apps", service, "service.json"), change);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * One more service in a copy: apps/<from> as apps/<name>, its manifest and package renamed and the manifest changed
 * (its port too: each service needs its own). Its stack comes out of the same synth as the others'.
 */
export function addService(root: string, from: string, name: string, change: (manifest: Json) => void): void {
  const dir = path.join(root, "apps", name);
  cpSync(path.join(root, "apps", from), dir, { recursive: true });
  editJson(path.join(dir, "package.json"), (pkg) => {
    pkg.name = `@repo/${name}`;
  });
  editJson(path.join(dir, "service.json"), (manifest) => {
    manifest.name = name;
    change(manifest);
  });
}

function editJson(file: string, change: (value: Json) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8")) as Json;
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs infra's app on `repoRoot` into `outDir`: the assembly's folder. */
export async function synthesizeInto(repoRoot: string, outDir: string): Promise<string> {
  await synthesize({ infraDir: INFRA_DIR, repoRoot, outDir });
  return outDir;
}

/**
 * Each repository's stacks synthesized once into `workDir`, by the first test that needs them; those in `ready`
 * (repository root -> assembly, see shared-assemblies.ts) are not synthesized again.
 */
export function assemblies(workDir: string, ready: Record<string, string> = {}): (repoRoot: string) => Promise<string> {
  const synthesized = new Map(Object.entries(ready).map(([root, dir]) => [root, Promise.resolve(dir)]));
  return (repoRoot) => {
    let pending = synthesized.get(repoRoot);
    if (!pending) {
      pending = synthesizeInto(repoRoot, path.join(workDir, `cdk.out-${synthesized.size}`));
      synthesized.set(repoRoot, pending);
    }
    return pending;
  };
}
