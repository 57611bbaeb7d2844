import type { ECSClient, Service, ServiceDeployment } from "@aws-sdk/client-ecs";
import { createEcsClient } from "@repo/create-new-task-def";
import { type MinimumDuration, minimumDeploymentDuration } from "@repo/service-contract/deployment-duration";
import { type DeployArtifacts, readDeployArtifacts } from "./artifacts.ts";
import { describeProgress, failureReason, hasEnded, isMovingForward, runsImage, succeeded } from "./deployment.ts";
import { Ecs } from "./ecs.ts";
import { AwsError, DeploymentFailedError, DeploymentTimeoutError, ValidationError } from "./errors.ts";
import { followDeployment, lastSeen } from "./follow.ts";
import type { DeployOptions, Env } from "./options.ts";
import { type Clock, DEADLINE, formatDuration, Poller, systemClock } from "./poller.ts";

export interface DeployContext {
  /** This tool's settings (default: process.env). The AWS SDK itself reads process.env. */
  env?: Env;
  /** Base for a relative artifacts folder (default: process.cwd()). */
  cwd?: string;
  /** Default: a client built from the standard AWS settings. */
  ecsClient?: ECSClient;
  /** Progress lines for a person (the CLI prefixes a timestamp and sends them to stderr). */
  log?: (line: string) => void;
  /** Longest silence while a deployment does not change (default 5 minutes). */
  heartbeatMs?: number;
  clock?: Clock;
}

export type DeployOutcome =
  /** This run registered the task definition and started the deployment, which succeeded. */
  | "deployed"
  /** A deployment of the same image was already in progress (an earlier run of this step); this run followed it. */
  | "adopted"
  /** The service's current deployment already runs this image successfully; nothing was changed. */
  | "already-deployed";

export interface DeployResult {
  outcome: DeployOutcome;
  imageUri: string;
  serviceDeploymentArn: string;
  /** The task definition the deployment runs (registered by this run, or found on the adopted deployment). */
  taskDefinitionArn: string | undefined;
}

export const DEFAULT_HEARTBEAT_MS = 5 * 60_000;
/** How many times the service is read after UpdateService until ECS shows the deployment it started. */
const LOOKS_FOR_STARTED_DEPLOYMENT = 10;

/**
 * Registers taskdef.json with imageDetail.json's image, points the service at it with UpdateService, and follows the
 * service deployment that started until ECS reports SUCCESSFUL (resolves) or ends it otherwise (DeploymentFailedError)
 * or the timeout comes (DeploymentTimeoutError; by default ECS is asked to roll the deployment back).
 *
 * A run after a crashed one never starts a second deployment of the same image: when the service's current deployment
 * runs this image and is still moving forward, it is followed instead; when it already succeeded, nothing is done.
 * A deployment of another image in progress (a manual one, a CloudFormation update) is waited for first.
 */
export async function deploy(options: DeployOptions, context: DeployContext = {}): Promise<DeployResult> {
  const clock = context.clock ?? systemClock;
  const log = context.log ?? (() => {});
  const deadline = clock.now() + options.timeoutMs;
  const artifacts = await readDeployArtifacts(options.artifacts, options.container, context.cwd ?? process.cwd());

  const ecs = new Ecs(
    context.ecsClient ?? createEcsClient(context.env ?? process.env),
    options.cluster,
    options.service,
  );
  const poller = new Poller({ intervalMs: options.pollIntervalMs, deadline, clock, log });
  const follow = (arn: string, first: ServiceDeployment, prefix = "") =>
    followDeployment(
      arn,
      {
        ecs,
        poller,
        clock,
        log: (line) => log(`${prefix}${line}`),
        heartbeatMs: context.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      },
      first,
    );
  const read = async <T>(call: () => Promise<T>, what: string): Promise<T> => {
    const value = await poller.ask(call, () => `nothing was deployed by this run (${what})`);
    if (value === DEADLINE) throw new DeploymentTimeoutError(`timed out ${what}; nothing was deployed by this run`);
    return value;
  };

  const service = await read(() => ecs.describeService(), "while reading the service");
  const minimum = checkService(service, options);

  const current = await read(
    () => currentDeployment(ecs, service, options.container, artifacts),
    "while reading the service's current deployment",
  );
  if (current?.runsOurImage && succeeded(current.deployment)) {
    log(`service deployment ${current.arn} already runs ${artifacts.imageUri} (SUCCESSFUL); nothing to do`);
    return result("already-deployed", artifacts, current.arn, current.taskDefinitionArn);
  }
  if (current?.runsOurImage && isMovingForward(current.deployment)) {
    log(
      `service deployment ${current.arn} of ${artifacts.imageUri} is already ${current.deployment.status} (an earlier run of this step started it); following it instead of starting another`,
    );
    return finish(current.arn, current.deployment, current.taskDefinitionArn, "adopted");
  }
  if (current && !hasEnded(current.deployment)) {
    log(
      `service deployment ${current.arn} (${current.image ?? "another image"}) is ${current.deployment.status}; waiting for it to end before starting this one`,
    );
    const other = await follow(current.arn, current.deployment, "other deployment: ");
    if (!other.ended) {
      throw new DeploymentTimeoutError(
        `timed out after ${formatDuration(options.timeoutMs)} waiting for service deployment ${current.arn}, which this run did not start (${other.deployment ? describeProgress(other.deployment) : "not read"}); nothing was deployed by this run`,
      );
    }
    if (poller.remainingMs <= minimum.minutes * 60_000) {
      throw new DeploymentTimeoutError(
        `after waiting for service deployment ${current.arn}, ${formatDuration(poller.remainingMs)} of the timeout remain, less than the ${minimum.minutes} min this service's deployment takes at least (${minimum.explanation}); nothing was deployed by this run: run the pipeline again`,
      );
    }
  }

  const taskDefinitionArn = await ecs.registerTaskDefinition(artifacts.taskDefinition);
  log(`registered ${taskDefinitionArn} (container ${options.container}: ${artifacts.imageUri})`);
  const updated = await ecs.updateService(taskDefinitionArn);
  log(`updated service ${options.service} in cluster ${options.cluster} to ${taskDefinitionArn}`);
  const started = await findStartedDeployment(ecs, poller, updated, taskDefinitionArn);
  log(`following service deployment ${started.arn}`);
  return finish(started.arn, started.deployment, taskDefinitionArn, "deployed");

  async function finish(
    arn: string,
    first: ServiceDeployment,
    taskDefinition: string | undefined,
    outcome: DeployOutcome,
  ): Promise<DeployResult> {
    const followed = await follow(arn, first);
    if (followed.ended) {
      if (succeeded(followed.deployment)) return result(outcome, artifacts, arn, taskDefinition);
      throw new DeploymentFailedError(failureReason(followed.deployment));
    }
    throw new DeploymentTimeoutError(await onTimeout(ecs, arn, followed.deployment, options, log));
  }
}

/** Refuses a service this step cannot deploy within the timeout; returns the least time its deployment takes. */
function checkService(service: Service, options: DeployOptions): MinimumDuration {
  const controller = service.deploymentController?.type ?? "ECS";
  if (controller !== "ECS") {
    throw new ValidationError(
      `service ${options.service} uses the ${controller} deployment controller; this step deploys services whose deployment controller is ECS (strategy BLUE_GREEN, LINEAR, CANARY or ROLLING). A CODE_DEPLOY service deploys through CodeDeploy (the CodeDeployToECS action)`,
    );
  }
  const minimum = minimumDeploymentDuration(service.deploymentConfiguration);
  const minimumMs = minimum.minutes * 60_000;
  if (minimumMs >= options.timeoutMs) {
    throw new ValidationError(
      `service ${options.service} deploys ${minimum.explanation}: at least ${minimum.minutes} min before ECS can report success, but the timeout is ${formatDuration(options.timeoutMs)}; raise --timeout / DEPLOY_TIMEOUT_MINUTES (and the CodeBuild project's timeout with it). Nothing was deployed`,
    );
  }
  return minimum;
}

interface CurrentDeployment {
  arn: string;
  deployment: ServiceDeployment;
  runsOurImage: boolean;
  image: string | undefined;
  taskDefinitionArn: string | undefined;
}

async function currentDeployment(
  ecs: Ecs,
  service: Service,
  container: string,
  artifacts: DeployArtifacts,
): Promise<CurrentDeployment | undefined> {
  const arn = service.currentServiceDeployment;
  if (!arn) return undefined;
  const deployment = await ecs.describeServiceDeployment(arn);
  const revisionArn = deployment.targetServiceRevision?.arn;
  const revision = revisionArn ? await ecs.describeServiceRevision(revisionArn) : undefined;
  return {
    arn,
    deployment,
    runsOurImage: revision
      ? runsImage(revision, container, { uri: artifacts.imageUri, reference: artifacts.image })
      : false,
    image: revision?.containerImages?.find((entry) => entry.containerName === container)?.image,
    taskDefinitionArn: revision?.taskDefinition,
  };
}

/**
 * The service deployment UpdateService started: the service's current deployment once its target revision runs the
 * task definition just registered (UpdateService's answer usually names it already; the service is read again if not).
 */
async function findStartedDeployment(
  ecs: Ecs,
  poller: Poller,
  updated: Service | undefined,
  taskDefinitionArn: string,
): Promise<{ arn: string; deployment: ServiceDeployment }> {
  let candidate = updated?.currentServiceDeployment;
  const notYet = () => `UpdateService accepted ${taskDefinitionArn}, but ECS shows no service deployment of it yet`;
  for (let look = 1; look <= LOOKS_FOR_STARTED_DEPLOYMENT; look++) {
    if (candidate) {
      const arn = candidate;
      const seen = await poller.ask(async () => {
        const deployment = await ecs.describeServiceDeployment(arn);
        const revisionArn = deployment.targetServiceRevision?.arn;
        return { deployment, revision: revisionArn ? await ecs.describeServiceRevision(revisionArn) : undefined };
      }, notYet);
      if (seen !== DEADLINE && seen.revision?.taskDefinition === taskDefinitionArn) {
        return { arn, deployment: seen.deployment };
      }
    }
    if (!(await poller.pause())) break;
    const service = await poller.ask(() => ecs.describeService(), notYet);
    candidate = service === DEADLINE ? undefined : service.currentServiceDeployment;
  }
  throw new AwsError(
    `${notYet()} after ${LOOKS_FOR_STARTED_DEPLOYMENT} looks at the service; see the service's deployments in the ECS console`,
  );
}

async function onTimeout(
  ecs: Ecs,
  arn: string,
  deployment: ServiceDeployment | undefined,
  options: DeployOptions,
  log: (line: string) => void,
): Promise<string> {
  const state = deployment ? describeProgress(deployment) : "never read";
  const timedOut = `timed out after ${formatDuration(options.timeoutMs)}: service deployment ${arn} is still ${state}`;
  if (options.onTimeout === "leave") {
    return `${timedOut}; left running (--on-timeout leave): ECS carries on with it and may still move production traffic`;
  }
  try {
    await ecs.rollBack(arn);
    log(`asked ECS to roll back ${arn} (StopServiceDeployment, stopType ROLLBACK)`);
    return `${timedOut}; asked ECS to roll it back (StopServiceDeployment ROLLBACK), so production returns to the previous service revision`;
  } catch (error) {
    return `${timedOut}; asking ECS to roll it back failed (${(error as Error).message}), so ECS carries on with it: ${lastSeen(arn, deployment)}`;
  }
}

function result(
  outcome: DeployOutcome,
  artifacts: DeployArtifacts,
  serviceDeploymentArn: string,
  taskDefinitionArn: string | undefined,
): DeployResult {
  return { outcome, imageUri: artifacts.imageUri, serviceDeploymentArn, taskDefinitionArn };
}
