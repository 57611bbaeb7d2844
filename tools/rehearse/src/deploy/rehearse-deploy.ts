// `pnpm rehearse <service> --deploy`: the Deploy stage from a folder of the Build stage's artifacts, with the
// container engine's tasks, after the stacks were synthesized for what they say about the load balancer and deployment.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chooseEngine, commandProbes, createEngine, type EngineChoice } from "@repo/container";
import { loadDeploymentConfig, projectNames, serviceNames } from "@repo/service-contract";
import { rehearsedService } from "../rehearsed-service.ts";
import { type DeployRequest, type DeployResult, playDeployment } from "./deployment.ts";
import { haproxyVersion } from "./haproxy.ts";
import { type DeployPlan, planDeployment } from "./plan.ts";
import { containerLauncher, type TaskLauncher } from "./task-set.ts";

export interface DeployRehearsalRequest
  extends Pick<
    DeployRequest,
    "blueImage" | "breaks" | "timeScale" | "load" | "minRequests" | "region" | "log" | "onTaskLine" | "signal"
  > {
  repoRoot: string;
  /** The infra package that synthesizes repoRoot's services (default: repoRoot's own infra/). */
  infraDir?: string;
  /** A cloud assembly already synthesized from repoRoot, read instead of a fresh synth (the tests share one). */
  assemblyDir?: string;
  service: string | undefined;
  artifactsDir: string;
  engine: EngineChoice;
  /** Tasks as containers of the chosen engine unless given (the tests start processes). */
  launcher?: TaskLauncher;
}

/** The settings the rehearsal played, for the summary. */
export interface DeploySettings {
  healthCheck: DeployPlan["topology"]["targetGroups"]["green"]["healthCheck"];
  deregistrationDelaySeconds: number;
  healthCheckGracePeriodSeconds: number;
  task: Pick<DeployPlan["task"], "user" | "readOnlyRootFilesystem" | "stopTimeoutSeconds" | "containerPort" | "fields">;
  hook: string | undefined;
  containerEngine: string;
}

export type DeployRehearsal = DeployResult & { settings: DeploySettings };

/** Fails before any work when the tools the Deploy rehearsal needs are missing. */
export async function checkDeployTools(): Promise<void> {
  await haproxyVersion();
}

export async function rehearseDeploy(request: DeployRehearsalRequest): Promise<DeployRehearsal> {
  const { repoRoot, log } = request;
  const service = rehearsedService(repoRoot, request.service).manifest.name;
  const config = loadDeploymentConfig(path.join(repoRoot, "infra", "deployment.config.json"));
  const names = serviceNames(config.projectName, service);
  const work = await mkdtemp(path.join(tmpdir(), `rehearse-plan-${service}-`));
  try {
    log(
      request.assemblyDir === undefined
        ? `deploy: synthesizing the stacks (infra's CDK app, offline) for ${names.stack}'s load balancer, deployment and hook`
        : `deploy: reading the stacks synthesized in ${request.assemblyDir} for ${names.stack}'s load balancer, deployment and hook`,
    );
    const plan = await planDeployment({
      service,
      stacks: { service: names.stack, shared: projectNames(config.projectName).sharedStack },
      artifactsDir: request.artifactsDir,
      repoRoot,
      infraDir: request.infraDir ?? path.join(repoRoot, "infra"),
      workDir: work,
      ...(request.assemblyDir === undefined ? {} : { assemblyDir: request.assemblyDir }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const green = plan.topology.targetGroups.green;
    log(
      `deploy: ${plan.engine} blue/green, ${plan.explanation}; ${plan.topology.desiredCount} tasks per task set; ` +
        `health check GET ${green.healthCheck.path} every ${green.healthCheck.intervalSeconds} s; deregistration delay ${green.deregistrationDelaySeconds} s`,
    );
    for (const field of plan.task.fields) log(`  taskdef.json ${field.field} = ${field.value}: ${field.how}`);

    let launcher = request.launcher;
    let containerEngine = "processes (given by the caller)";
    if (!launcher) {
      const engine = createEngine(await chooseEngine(request.engine, commandProbes()));
      containerEngine = engine.name;
      const images = [...new Set([plan.imageUri, request.blueImage ?? plan.imageUri])];
      for (const image of images) {
        log(`deploy: ${engine.name} pulls ${image} (unless it stores it already)`);
        await engine.pull(image).catch((error: Error) => {
          throw new Error(
            `cannot pull ${image}: ${error.message}\n  The image must be in ${engine.name}'s storage or its registry must answer: run the build rehearsal with --deploy (the registry runs throughout), or keep it with --keep-registry.`,
          );
        });
      }
      launcher = containerLauncher(engine);
    }
    const { blueImage, breaks, timeScale, load, minRequests, region, onTaskLine, signal } = request;
    const result = await playDeployment({
      ...{ plan, launcher, blueImage, breaks, timeScale, load, minRequests, region, onTaskLine },
      ...(signal ? { signal } : {}),
      log: (message) => log(`deploy: ${message}`),
    });
    return {
      ...result,
      settings: {
        healthCheck: green.healthCheck,
        deregistrationDelaySeconds: green.deregistrationDelaySeconds,
        healthCheckGracePeriodSeconds: plan.topology.healthCheckGracePeriodSeconds,
        task: {
          user: plan.task.user,
          readOnlyRootFilesystem: plan.task.readOnlyRootFilesystem,
          stopTimeoutSeconds: plan.task.stopTimeoutSeconds,
          containerPort: plan.task.containerPort,
          fields: plan.task.fields,
        },
        hook: plan.hook?.functionName,
        containerEngine,
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
