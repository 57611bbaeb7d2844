// Vitest global setup: the two repositories that both deploy-plan.test.ts and deploy-rehearsal.test.ts deploy (the
// sample as it is, and a copy of it on the ECS engine), synthesized once for the run instead of once per file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { copyWithManifest, REPO_ROOT, synthesizeInto } from "./repo-copy.ts";

export interface SharedAssemblies {
  /** Repository root -> its cloud assembly (cdk.out). */
  assemblies: Record<string, string>;
  /** The copy whose sample-service is ECS-native, linear, on the shared load balancer, with its own path and port. */
  ecsRoot: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    shared: SharedAssemblies;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const work = mkdtempSync(path.join(tmpdir(), "rehearse-shared-assemblies-"));
  const ecs = copyWithManifest("sample-service", (manifest) => {
    manifest.healthCheckPath = "/live";
    manifest.port = 3100;
    manifest.deployment = {
      engine: "ecs",
      strategy: "linear",
      percent: 50,
      intervalMinutes: 1,
      terminationWaitMinutes: 1,
    };
    manifest.route = { priority: 9 };
  });
  const [sample, ecsAssembly] = await Promise.all([
    synthesizeInto(REPO_ROOT, path.join(work, "sample")),
    synthesizeInto(ecs.root, path.join(work, "ecs")),
  ]);
  project.provide("shared", { assemblies: { [REPO_ROOT]: sample, [ecs.root]: ecsAssembly }, ecsRoot: ecs.root });
  return () => {
    ecs.remove();
    rmSync(work, { recursive: true, force: true });
  };
}
