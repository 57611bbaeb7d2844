// The tool versions the workspace pins, read from its root files: what every service's Dockerfile must pin too.
import { readFileSync } from "node:fs";
import path from "node:path";

/** The version a pnpm-workspace.yaml catalog pins for `name` (the default catalog, `catalog:` at top level). */
export function catalogVersion(workspaceYaml: string, name: string): string {
  const catalog = /^catalog:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(workspaceYaml)?.[1];
  if (catalog === undefined) throw new Error("pnpm-workspace.yaml has no top-level catalog");
  for (const line of catalog.split("\n")) {
    const entry = /^\s+["']?([^"':\s]+)["']?\s*:\s*["']?([^"'\s#]+)["']?/.exec(line);
    if (entry?.[1] === name && entry[2]) return entry[2];
  }
  throw new Error(`pnpm-workspace.yaml's catalog pins no version of ${name}`);
}

/** The pnpm version of package.json's "packageManager" ("pnpm@10.34.9" -> "10.34.9"). */
export function packageManagerPnpmVersion(packageJson: string): string {
  const { packageManager } = JSON.parse(packageJson) as { packageManager?: unknown };
  const match = typeof packageManager === "string" ? /^pnpm@(\d+\.\d+\.\d+)/.exec(packageManager) : null;
  if (!match?.[1])
    throw new Error(`package.json's packageManager is not "pnpm@<x.y.z>" (got ${String(packageManager)})`);
  return match[1];
}

/** The tool versions the whole workspace is pinned to, read from the root files. */
export function workspaceToolVersions(repoRoot: string): { turbo: string; pnpm: string } {
  return {
    turbo: catalogVersion(readFileSync(path.join(repoRoot, "pnpm-workspace.yaml"), "utf8"), "turbo"),
    pnpm: packageManagerPnpmVersion(readFileSync(path.join(repoRoot, "package.json"), "utf8")),
  };
}
