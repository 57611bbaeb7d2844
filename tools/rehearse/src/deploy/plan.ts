// Everything the Deploy rehearsal does, decided before anything runs: from the synthesized stacks (load balancer,
// deployment configuration, hook) and from the Build stage's artifacts (the task definition and its image).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { OUTPUT_FILES } from "@repo/create-new-task-def";
import { readDeployArtifacts } from "@repo/ecs-deploy";
import type { DeploymentEngine } from "@repo/service-contract";
import {
  type DeploymentTiming,
  minimumDeploymentDuration,
  type TrafficShift,
  trafficShifts,
} from "@repo/service-contract/deployment-duration";
import { parse as parseYaml } from "yaml";
import { readDeploymentTiming } from "./deployment-settings.ts";
import { type AppSpecHooks, type HookFunction, readHookFunction } from "./hook-function.ts";
import { type TaskRunSettings, taskRunSettings } from "./task-definition.ts";
import { Stacks, synthesize } from "./templates.ts";
import { readTopology, type ServiceTopology } from "./topology.ts";

export interface DeployPlan {
  service: string;
  engine: DeploymentEngine;
  topology: ServiceTopology;
  timing: DeploymentTiming;
  /** The production shifts, in the configuration's minutes (the rehearsal divides the waits by its time scale). */
  shifts: TrafficShift[];
  /** "canary, 10% for 5 min, then the rest and 5 min bake time". */
  explanation: string;
  hook: HookFunction | undefined;
  /** The new task set's task, from taskdef.json with imageDetail.json's image. */
  task: TaskRunSettings;
  imageUri: string;
  assemblyDir: string;
}

export interface PlanRequest {
  service: string;
  /** The service's and the shared stack's names. */
  stacks: { service: string; shared: string };
  artifactsDir: string;
  /** The repository whose services are synthesized, and the infra package that synthesizes them. */
  repoRoot: string;
  infraDir: string;
  /** cdk.out goes here. */
  workDir: string;
  /** Read this cloud assembly, already synthesized from repoRoot, instead of synthesizing one. */
  assemblyDir?: string;
  signal?: AbortSignal;
}

/** The artifacts are not what the Deploy stage can deploy. */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

export async function planDeployment(request: PlanRequest): Promise<DeployPlan> {
  // Before the synthesis of seconds: the Build stage's files must all be there.
  const missing = Object.values(OUTPUT_FILES).filter((file) => !existsSync(path.join(request.artifactsDir, file)));
  if (missing.length > 0) {
    throw new ArtifactError(
      `${request.artifactsDir}: ${missing.join(", ")} missing (the Build stage writes ${Object.values(OUTPUT_FILES).join(", ")})`,
    );
  }
  const assemblyDir = request.assemblyDir ?? path.join(request.workDir, "cdk.out");
  if (request.assemblyDir === undefined) {
    await synthesize({
      infraDir: request.infraDir,
      repoRoot: request.repoRoot,
      outDir: assemblyDir,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }
  const stacks = await Stacks.read(assemblyDir, [request.stacks.service, request.stacks.shared]);
  return planFromAssembly(stacks, request);
}

/** The plan from an assembly already synthesized. */
export async function planFromAssembly(
  stacks: Stacks,
  request: Pick<PlanRequest, "service" | "stacks" | "artifactsDir">,
): Promise<DeployPlan> {
  const topology = readTopology(stacks, request.stacks.service);
  const timing = readDeploymentTiming(stacks, topology);
  const appspec = await readAppSpec(request.artifactsDir);
  if (topology.engine === "codedeploy") checkAppSpecTarget(appspec, topology);
  let artifacts: Awaited<ReturnType<typeof readDeployArtifacts>>;
  try {
    artifacts = await readDeployArtifacts(request.artifactsDir, topology.container.name, process.cwd());
  } catch (error) {
    throw new ArtifactError((error as Error).message);
  }
  return {
    service: request.service,
    engine: topology.engine,
    topology,
    timing,
    shifts: trafficShifts(timing),
    explanation: minimumDeploymentDuration(timing).explanation,
    hook: readHookFunction(stacks, topology, appspec),
    task: taskRunSettings(artifacts.taskDefinition, {
      containerName: topology.container.name,
      containerPort: topology.container.port,
    }),
    imageUri: artifacts.imageUri,
    assemblyDir: stacks.assemblyDir,
  };
}

interface AppSpec extends AppSpecHooks {
  Resources?: {
    TargetService?: { Properties?: { LoadBalancerInfo?: { ContainerName?: unknown; ContainerPort?: unknown } } };
  }[];
}

async function readAppSpec(dir: string): Promise<AppSpec> {
  const file = path.join(dir, OUTPUT_FILES.appspec);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ArtifactError(`${file}: not found (the Build stage writes ${Object.values(OUTPUT_FILES).join(", ")})`);
  }
  return (parseYaml(text) ?? {}) as AppSpec;
}

/** CodeDeploy registers the container and port appspec.yaml names: they must be the ones the target groups expect. */
function checkAppSpecTarget(appspec: AppSpec, topology: ServiceTopology): void {
  const info = appspec.Resources?.[0]?.TargetService?.Properties?.LoadBalancerInfo;
  if (info?.ContainerName !== topology.container.name || info?.ContainerPort !== topology.container.port) {
    throw new ArtifactError(
      `${OUTPUT_FILES.appspec}: LoadBalancerInfo is ${JSON.stringify(info ?? null)}, but the service's target groups take container ${topology.container.name} on port ${topology.container.port}`,
    );
  }
}
