// A copy of this repository's files (no node_modules) with a service's manifest changed, for the stacks the
// workspace's own infra synthesizes from it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { copyProjectFiles } from "@repo/devkit/files";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");
export const INFRA_DIR = path.join(REPO_ROOT, "infra");

export interface RepoCopy {
  root: string;
  remove(): void;
}

export function copyWithManifest(service: string, change: (manifest: Record<string, unknown>) => void): RepoCopy {
  const root = mkdtempSync(path.join(tmpdir(), "rehearse-repo-"));
  copyProjectFiles(REPO_ROOT, root);
  const file = path.join(root, "apps", service, "service.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  change(manifest);
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
