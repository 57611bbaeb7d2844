// AfterAllowTestTraffic hook: smoke-test the green task set, then tell CodeDeploy to go on or to roll back.
import {
  type CodeDeployClient,
  type LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from "@aws-sdk/client-codedeploy";
import { type SmokeCheck, type SmokeTestResult, type SmokeTestSettings, smokeTest } from "./smoke-test.ts";

/** The event CodeDeploy sends a lifecycle hook function. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface HookOutcome {
  status: LifecycleEventStatus;
  smokeTest: SmokeTestResult;
}

/**
 * `settings` may be a function: it is then read per invocation, so a misconfigured function still answers
 * CodeDeploy (Failed) instead of leaving the deployment waiting for the hook's timeout.
 */
export function createHandler(
  codeDeploy: CodeDeployClient,
  settings: SmokeTestSettings | (() => SmokeTestSettings),
  log: (line: string) => void = (line) => console.log(line),
): (event: LifecycleHookEvent) => Promise<HookOutcome> {
  return async (event) => {
    if (!event?.DeploymentId || !event.LifecycleEventHookExecutionId) {
      throw new Error("event must carry DeploymentId and LifecycleEventHookExecutionId (is this a CodeDeploy hook?)");
    }
    let baseUrl = "";
    let result: SmokeTestResult;
    try {
      const resolved = typeof settings === "function" ? settings() : settings;
      baseUrl = resolved.baseUrl;
      result = await smokeTest(resolved);
    } catch (error) {
      // Any unexpected failure must still answer CodeDeploy, or the deployment waits for the hook's timeout.
      result = { ok: false, results: [{ path: "*", ok: false, attempts: 0, outcome: String(error) }] };
    }
    const status: LifecycleEventStatus = result.ok ? "Succeeded" : "Failed";
    log(JSON.stringify({ deploymentId: event.DeploymentId, status, baseUrl, checks: result.results }));
    await codeDeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status,
      }),
    );
    return { status, smokeTest: result };
  };
}

/** Reads the settings the stack passes as environment variables. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): SmokeTestSettings {
  const baseUrl = required(env, "TEST_URL");
  const healthPath = env.HEALTH_PATH || "/health";
  const checks: SmokeCheck[] = [
    { path: healthPath, expect: "success" },
    ...(healthPath === "/" ? [] : [{ path: "/", expect: "no-server-error" } as const]),
  ];
  return {
    baseUrl,
    checks,
    attempts: positiveInteger(env, "ATTEMPTS", 4),
    timeoutMs: positiveInteger(env, "REQUEST_TIMEOUT_MS", 3000),
    backoffMs: positiveInteger(env, "BACKOFF_MS", 1000),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer`);
  return value;
}
