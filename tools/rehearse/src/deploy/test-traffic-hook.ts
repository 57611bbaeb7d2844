// The test-traffic hook as each engine runs it, on the function's bundled code: CodeDeploy invokes it once and waits
// for its PutLifecycleEventHookExecutionStatus (sent by the real SDK to the loopback CodeDeploy); ECS reads its
// answer and invokes it again after callBackDelay while it says IN_PROGRESS.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SMOKE_TEST_ENV } from "@repo/lambdas";
import type { DeploymentEngine } from "@repo/service-contract";
import type { CodeDeployEndpoint } from "./codedeploy-endpoint.ts";
import { type HookFunction, LOAD_BALANCER_HOST } from "./hook-function.ts";
import { invokeFunction } from "./lambda/invoke.ts";

/** --break smoke-test: the path the smoke test checks instead of the health path (no service answers it). */
export const BROKEN_SMOKE_TEST_PATH = "/rehearsal-broken-smoke-test";

/** ECS invokes a hook again at most this often before the rehearsal calls it stuck (the hook's rounds end far sooner). */
const MAX_ECS_INVOCATIONS = 50;

export interface HookRequest {
  engine: DeploymentEngine;
  fn: HookFunction;
  /** The test listener's port on the load balancer, and where the rehearsal's test frontend listens. */
  testListener: { port: number; url: string };
  region: string;
  /** ECS's callBackDelay is divided by it, as every other wait. */
  timeScale: number;
  codeDeploy: CodeDeployEndpoint | undefined;
  breakSmokeTest: boolean;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface HookOutcome {
  passed: boolean;
  invocations: number;
  /** What decided it, for a person. */
  detail: string;
}

/** The function's environment with TEST_URL on the rehearsal's test frontend (and, for --break, the smoke test broken). */
export function hookEnvironment(
  request: Pick<HookRequest, "fn" | "testListener" | "breakSmokeTest">,
): Record<string, string> {
  const environment = { ...request.fn.environment };
  const testUrl = environment[SMOKE_TEST_ENV.testUrl];
  if (testUrl === undefined)
    throw new Error(`${request.fn.functionName} has no ${SMOKE_TEST_ENV.testUrl} in its environment`);
  const url = new URL(testUrl);
  if (url.hostname !== LOAD_BALANCER_HOST || Number(url.port || 80) !== request.testListener.port) {
    throw new Error(
      `${request.fn.functionName}: ${SMOKE_TEST_ENV.testUrl} ${testUrl.replace(LOAD_BALANCER_HOST, "<load balancer>")} is not the test listener (port ${request.testListener.port})`,
    );
  }
  const frontend = new URL(request.testListener.url);
  url.host = frontend.host;
  environment[SMOKE_TEST_ENV.testUrl] = url.toString().replace(/\/$/, "");
  if (request.breakSmokeTest) environment[SMOKE_TEST_ENV.healthPath] = BROKEN_SMOKE_TEST_PATH;
  return environment;
}

export async function runTestTrafficHook(request: HookRequest): Promise<HookOutcome> {
  const fn = { ...request.fn, environment: hookEnvironment(request) };
  const regionEnvironment = { AWS_REGION: request.region, AWS_DEFAULT_REGION: request.region };
  const onLine = (line: string) => request.log(`  ${fn.functionName} | ${line}`);
  const signal = request.signal ? { signal: request.signal } : {};
  if (request.engine === "codedeploy") {
    const endpoint = request.codeDeploy;
    if (!endpoint) throw new Error("the CodeDeploy hook needs the loopback CodeDeploy endpoint");
    const event = {
      DeploymentId: `d-REHEARSAL${randomUUID().slice(0, 4).toUpperCase()}`,
      LifecycleEventHookExecutionId: randomUUID(),
    };
    endpoint.expect(event.DeploymentId, event.LifecycleEventHookExecutionId);
    const outcome = await invokeFunction({
      fn,
      event,
      extraEnvironment: { ...regionEnvironment, AWS_ENDPOINT_URL_CODEDEPLOY: endpoint.url },
      onLine,
      ...signal,
    });
    const report = endpoint.reported(event.LifecycleEventHookExecutionId);
    if (!report) {
      const why = outcome.ok ? "it returned without reporting" : outcome.error;
      return {
        passed: false,
        invocations: 1,
        detail: `the hook reported no status to CodeDeploy (${why}); CodeDeploy fails the hook at its timeout`,
      };
    }
    return {
      passed: report.status === "Succeeded",
      invocations: 1,
      detail: `PutLifecycleEventHookExecutionStatus ${report.status} (deployment ${report.deploymentId})`,
    };
  }

  let hookDetails = fn.hookDetails;
  for (let invocation = 1; invocation <= MAX_ECS_INVOCATIONS; invocation++) {
    // The payload ECS sends (ECS developer guide, "Lifecycle hooks for Amazon ECS service deployments").
    const event = {
      executionId: randomUUID(),
      lifecycleStage: fn.stage,
      resourceArn: "arn:aws:ecs:rehearsal:000000000000:service-deployment/rehearsal/service/rehearsal",
      executionDetails: { testTrafficWeights: {}, productionTrafficWeights: {} },
      ...(hookDetails ? { hookDetails } : {}),
    };
    const outcome = await invokeFunction({ fn, event, extraEnvironment: regionEnvironment, onLine, ...signal });
    if (!outcome.ok)
      return {
        passed: false,
        invocations: invocation,
        detail: `the invocation failed (${outcome.error}); ECS rolls back`,
      };
    const answer = (outcome.result ?? {}) as {
      hookStatus?: string;
      callBackDelay?: number;
      hookDetails?: Record<string, unknown>;
    };
    if (answer.hookStatus === "SUCCEEDED")
      return { passed: true, invocations: invocation, detail: "hookStatus SUCCEEDED" };
    if (answer.hookStatus !== "IN_PROGRESS") {
      return {
        passed: false,
        invocations: invocation,
        detail: `hookStatus ${answer.hookStatus ?? "(none)"}; ECS rolls back`,
      };
    }
    const delaySeconds = answer.callBackDelay ?? 0;
    request.log(`  IN_PROGRESS: invoked again after callBackDelay ${delaySeconds} s (÷ ${request.timeScale})`);
    await sleep((delaySeconds * 1000) / request.timeScale, undefined, signal);
    hookDetails = answer.hookDetails;
  }
  return {
    passed: false,
    invocations: MAX_ECS_INVOCATIONS,
    detail: `still IN_PROGRESS after ${MAX_ECS_INVOCATIONS} invocations`,
  };
}
