import { statSync } from "node:fs";
import path from "node:path";
import { type DeploymentEngine, discoverServices } from "@repo/service-contract";
import { DEPLOY_STAGE_INPUTS, SHARED_BUILD_INPUTS } from "./shared-build-inputs.ts";
import { compare, readWorkspace, type Workspace, WorkspaceError } from "./workspace.ts";
import { workspaceClosure } from "./workspace-dependencies.ts";

export interface ServiceTriggerPaths {
  /** Service name from its service.json. */
  service: string;
  /** Service folder relative to the repository root, without trailing slash (e.g. "apps/orders"). */
  dir: string;
  /** Sorted trigger paths: folders end with "/", files are exact paths. */
  paths: string[];
}

/**
 * The repository paths whose change must start one service's pipeline: its own folder, every workspace package it
 * depends on (transitively), and the shared build inputs (SHARED_BUILD_INPUTS) that exist.
 * Folders end with a slash, so "apps/orders/" never matches "apps/orders-v2/...". The list is sorted, without
 * duplicates, and without paths already covered by a listed folder.
 */
export function triggerPathsFor(
  repoRoot: string,
  serviceDir: string,
  engine: DeploymentEngine = "codedeploy",
): string[] {
  return computeTriggerPaths(readWorkspace(repoRoot), serviceDir, engine);
}

/** triggerPathsFor for every service found by convention (apps/<folder>/service.json), in folder order. */
export function triggerPathsForAllServices(repoRoot: string): ServiceTriggerPaths[] {
  const workspace = readWorkspace(repoRoot);
  return discoverServices(repoRoot).map((service) => ({
    service: service.manifest.name,
    dir: service.dir,
    paths: computeTriggerPaths(workspace, service.dir, service.manifest.deployment.engine),
  }));
}

function computeTriggerPaths(workspace: Workspace, serviceDir: string, engine: DeploymentEngine): string[] {
  const dir = normalizeDir(serviceDir);
  const service = workspace.byDir.get(dir);
  if (!service) {
    throw new WorkspaceError(
      `service folder "${serviceDir}" is not a workspace package: it needs a package.json and a matching entry in pnpm-workspace.yaml's packages`,
    );
  }
  const paths: string[] = [];
  const roots = [service];
  for (const input of [...SHARED_BUILD_INPUTS, ...DEPLOY_STAGE_INPUTS[engine]]) {
    if (input.endsWith("/")) {
      // A Build-stage tool that is not in this repository (yet) cannot change, so it adds nothing.
      const tool = workspace.byDir.get(input.slice(0, -1));
      if (tool) roots.push(tool);
    } else if (isFile(path.join(workspace.repoRoot, input))) {
      paths.push(input);
    }
  }
  for (const pkg of workspaceClosure(workspace, roots)) paths.push(`${pkg.dir}/`);
  return normalizeTriggerPaths(paths);
}

/** Sorts, removes duplicates, and drops any path a listed folder already covers. */
export function normalizeTriggerPaths(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort(compare);
  const folders = sorted.filter((entry) => entry.endsWith("/"));
  return sorted.filter((entry) => !folders.some((folder) => folder !== entry && entry.startsWith(folder)));
}

function normalizeDir(dir: string): string {
  return dir.replaceAll("\\", "/").replace(/^\.\//, "").replace(/\/+$/, "");
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
