import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface WorkspaceSpec {
  /** pnpm-workspace.yaml `packages` entries. */
  globs?: string[];
  /** Folder -> package.json content. */
  packages: Record<string, Record<string, unknown>>;
  /** Any other file (repository-relative path -> text), e.g. root files and service.json. */
  files?: Record<string, string>;
}

const created: string[] = [];

/** Writes a throwaway pnpm workspace into a fresh temporary folder and returns its path. */
export function createWorkspace(spec: WorkspaceSpec): string {
  const root = mkdtempSync(path.join(tmpdir(), "pipeline-triggers-"));
  created.push(root);
  const globs = spec.globs ?? ["apps/*", "packages/*"];
  write(root, "pnpm-workspace.yaml", `packages:\n${globs.map((glob) => `  - "${glob}"`).join("\n")}\n`);
  for (const [dir, manifest] of Object.entries(spec.packages)) {
    write(root, `${dir}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  for (const [file, text] of Object.entries(spec.files ?? {})) write(root, file, text);
  return root;
}

export function removeWorkspaces(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

function write(root: string, file: string, text: string): void {
  const absolute = path.join(root, file);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, text);
}
