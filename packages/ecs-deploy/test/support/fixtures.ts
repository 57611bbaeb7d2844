import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ECSClient } from "@aws-sdk/client-ecs";
import { createNewTaskDef } from "@repo/create-new-task-def";
import { type IsolatedResult, runIsolated } from "@repo/devkit/isolated";
import { parseServiceManifest, taskDefinitionTemplateVariables } from "@repo/service-contract";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { DeployOptions } from "../../src/index.ts";
import { ACCOUNT, CLUSTER, REGION, SERVICE, type Step } from "./fake-ecs.ts";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const REPO_ROOT = join(PACKAGE_DIR, "..", "..");
export const BUNDLE = join(PACKAGE_DIR, "dist", "cli.js");

export const CONTAINER = SERVICE;
export const REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${SERVICE}`;
export const DIGEST = `sha256:${"3f".repeat(32)}`;
export const IMAGE_URI = `${REPOSITORY}@${DIGEST}`;
export const OTHER_IMAGE_URI = `${REPOSITORY}@sha256:${"a1".repeat(32)}`;
export const SDK_ATTEMPTS = 3;

/**
 * Writes the Build stage's artifacts with the Build stage's own renderer (create-new-task-def, template mode, from the
 * root taskdef.template.json), so this step is tested against exactly what that stage hands over.
 */
export async function writeBuildArtifacts(dir: string): Promise<void> {
  await createNewTaskDef(
    {
      template: join(REPO_ROOT, "taskdef.template.json"),
      family: SERVICE,
      container: CONTAINER,
      port: 3000,
      image: `${REPOSITORY}:4e1f9b2`,
      digest: DIGEST,
      out: dir,
      appspec: join(REPO_ROOT, "appspec.yaml"),
      hooks: {},
    },
    {
      env: taskDefinitionTemplateVariables(parseServiceManifest({ name: SERVICE, port: 3000 }, "service.json"), {
        family: SERVICE,
        containerName: CONTAINER,
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/bluegreen-${SERVICE}-execution`,
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/bluegreen-${SERVICE}-task`,
        logGroup: `/ecs/${SERVICE}`,
        region: REGION,
      }),
    },
  );
}

/** The real SDK client pointed at the loopback ECS; the SDK's retries keep their logic, with millisecond delays. */
export function localClient(url: string, attempts = SDK_ATTEMPTS): ECSClient {
  return new ECSClient({
    region: REGION,
    endpoint: url,
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    retryStrategy: new ConfiguredRetryStrategy(attempts, () => 5),
  });
}

export function deployOptions(artifacts: string, overrides: Partial<DeployOptions> = {}): DeployOptions {
  return {
    cluster: CLUSTER,
    service: SERVICE,
    container: CONTAINER,
    artifacts,
    timeoutMs: 10_000,
    pollIntervalMs: 5,
    onTimeout: "rollback",
    ...overrides,
  };
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "ecs-deploy-"));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

const HOOK = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bluegreen-${SERVICE}-smoke-test`;
export const ALARM = `bluegreen-${SERVICE}-5xx`;
const target = (running: number, test: number, production: number) => ({
  targetServiceRevision: {
    requestedTaskCount: 2,
    runningTaskCount: running,
    pendingTaskCount: 2 - running,
    requestedTestTrafficWeight: test,
    requestedProductionTrafficWeight: production,
  },
});
const hook = (status: string) => ({
  lifecycleHookDetails: [{ hookId: "hook-1", targetType: "AWS_LAMBDA", targetArn: HOOK, status }],
});

/** The stages of an ECS blue/green deployment, as DescribeServiceDeployments shows them one poll after another. */
export const SUCCESS: Step[] = [
  { status: "PENDING" },
  { status: "IN_PROGRESS", lifecycleStage: "PRE_SCALE_UP", ...target(0, 0, 0) },
  { status: "IN_PROGRESS", lifecycleStage: "SCALE_UP", ...target(1, 0, 0) },
  { status: "IN_PROGRESS", lifecycleStage: "SCALE_UP", ...target(2, 0, 0) },
  { status: "IN_PROGRESS", lifecycleStage: "TEST_TRAFFIC_SHIFT", ...target(2, 100, 0) },
  { status: "IN_PROGRESS", lifecycleStage: "POST_TEST_TRAFFIC_SHIFT", ...target(2, 100, 0), ...hook("IN_PROGRESS") },
  { status: "IN_PROGRESS", lifecycleStage: "POST_TEST_TRAFFIC_SHIFT", ...target(2, 100, 0), ...hook("SUCCEEDED") },
  { status: "IN_PROGRESS", lifecycleStage: "PRODUCTION_TRAFFIC_SHIFT", ...target(2, 100, 100) },
  { status: "IN_PROGRESS", lifecycleStage: "BAKE_TIME", alarms: { status: "MONITORING", alarmNames: [ALARM] } },
  { status: "IN_PROGRESS", lifecycleStage: "CLEAN_UP" },
  { status: "SUCCESSFUL", lifecycleStage: "CLEAN_UP", finishedAt: 1767229200 },
];

const PREVIOUS_REVISION = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${CLUSTER}/${SERVICE}/999`;

/** Production traffic moved, then the 5xx alarm fired during the bake time: ECS rolls back to the previous revision. */
export const ROLLBACK_ON_ALARM: Step[] = [
  ...SUCCESS.slice(0, 8),
  { status: "IN_PROGRESS", lifecycleStage: "BAKE_TIME", alarms: { status: "MONITORING", alarmNames: [ALARM] } },
  {
    status: "ROLLBACK_IN_PROGRESS",
    lifecycleStage: "BAKE_TIME",
    statusReason: `CloudWatch alarm(s) ${ALARM} in ALARM state`,
    alarms: { status: "TRIGGERED", alarmNames: [ALARM], triggeredAlarmNames: [ALARM] },
    rollback: { reason: "Alarm-based rollback", startedAt: 1767228000, serviceRevisionArn: PREVIOUS_REVISION },
  },
  { status: "ROLLBACK_SUCCESSFUL", finishedAt: 1767228300 },
];

/** Tasks of the new revision keep failing their health checks: the circuit breaker trips and ECS rolls back. */
export const NEVER_HEALTHY: Step[] = [
  { status: "PENDING" },
  { status: "IN_PROGRESS", lifecycleStage: "SCALE_UP", ...target(0, 0, 0) },
  ...[1, 2, 3].map((failureCount) => ({
    status: "IN_PROGRESS",
    lifecycleStage: "SCALE_UP",
    ...target(0, 0, 0),
    deploymentCircuitBreaker: { status: "MONITORING", failureCount, threshold: 3 },
  })),
  {
    status: "ROLLBACK_IN_PROGRESS",
    lifecycleStage: "SCALE_UP",
    statusReason: "ECS deployment circuit breaker: tasks failed to start.",
    deploymentCircuitBreaker: { status: "TRIGGERED", failureCount: 3, threshold: 3 },
    rollback: { reason: "Circuit breaker triggered", startedAt: 1767226000, serviceRevisionArn: PREVIOUS_REVISION },
  },
  { status: "ROLLBACK_SUCCESSFUL" },
];

/** The smoke test behind the test listener fails. */
export const HOOK_FAILS: Step[] = [
  ...SUCCESS.slice(0, 6),
  { status: "ROLLBACK_IN_PROGRESS", lifecycleStage: "POST_TEST_TRAFFIC_SHIFT", ...hook("FAILED") },
  { status: "ROLLBACK_SUCCESSFUL", ...hook("FAILED") },
];

/** Stays in the bake time for as long as anyone looks. */
export const ENDLESS_BAKE: Step[] = [
  ...SUCCESS.slice(0, 8),
  { status: "IN_PROGRESS", lifecycleStage: "BAKE_TIME", alarms: { status: "MONITORING", alarmNames: [ALARM] } },
];

/** Runs the BUILT bundle (dist/cli.js, or the copy at `options.bundle`) with `node`, isolated (devkit's runIsolated). */
export function runBundle(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; bundle?: string },
): Promise<IsolatedResult> {
  return runIsolated(process.execPath, [options.bundle ?? BUNDLE, ...args], options);
}

/** What the Deploy stage's CodeBuild project gives the CLI, with the SDK pointed at the loopback ECS. */
export function deployEnv(ecsUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ECS: ecsUrl,
    AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
    AWS_SECRET_ACCESS_KEY: "local-test-secret",
    AWS_REGION: REGION,
    ECS_CLUSTER: CLUSTER,
    ECS_SERVICE: SERVICE,
    CONTAINER_NAME: CONTAINER,
    POLL_INTERVAL_SECONDS: "0.005",
  };
}
