// AfterAllowTestTraffic hook: smoke-test the green task set, then tell CodeDeploy to go on or to roll back.
import {
  CodeDeployClient,
  type CodeDeployClientConfig,
  type LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from "@aws-sdk/client-codedeploy";
import type { LambdaContext } from "../smoke-test/budget.ts";
import { RETURN_MARGIN_MS } from "../smoke-test/budget.ts";
import { type SmokeTestResult, type SmokeTestSettings, smokeTest } from "../smoke-test/smoke-test.ts";

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
 * How the hook talks to CodeDeploy. Without a request timeout (the SDK's default is none, and a breached one only
 * warns unless throwOnRequestTimeout is set) one stalled connection through the NAT gateway would hold the report
 * until the function times out, and CodeDeploy would then wait for its one-hour hook limit.
 */
export const REPORT_CLIENT = { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 3000 } as const;

/**
 * The time kept back from the smoke test for the report: every attempt at its request timeout, plus the SDK's
 * back-off between attempts (at most 2^n × 500 ms for throttling: 1 s then 2 s).
 */
export const REPORT_RESERVE_MS = REPORT_CLIENT.maxAttempts * REPORT_CLIENT.requestTimeoutMs + 3000;

/** The CodeDeploy client the hook reports with; `overrides` (endpoint, region, credentials) never the timeouts. */
export function reportingClient(overrides: Pick<CodeDeployClientConfig, "endpoint" | "region" | "credentials"> = {}) {
  return new CodeDeployClient({
    ...overrides,
    maxAttempts: REPORT_CLIENT.maxAttempts,
    requestHandler: {
      connectionTimeout: REPORT_CLIENT.connectionTimeoutMs,
      requestTimeout: REPORT_CLIENT.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * `settings` may be a function: it is then read per invocation, so a misconfigured function still answers
 * CodeDeploy (Failed) instead of leaving the deployment waiting for the hook's timeout.
 *
 * Time budget: the invocation's remaining time, less RETURN_MARGIN_MS, is the hard deadline; the smoke test ends
 * REPORT_RESERVE_MS before it, so Failed can always be reported. If CodeDeploy still has not answered at the
 * deadline, the invocation fails with an error naming the deployment, before Lambda's timeout.
 */
export function createHandler(
  codeDeploy: CodeDeployClient,
  settings: SmokeTestSettings | (() => SmokeTestSettings),
  log: (line: string) => void = (line) => console.log(line),
): (event: LifecycleHookEvent, context: LambdaContext) => Promise<HookOutcome> {
  return async (event, context) => {
    if (!event?.DeploymentId || !event.LifecycleEventHookExecutionId) {
      throw new Error("event must carry DeploymentId and LifecycleEventHookExecutionId (is this a CodeDeploy hook?)");
    }
    const deadline = Date.now() + context.getRemainingTimeInMillis() - RETURN_MARGIN_MS;
    let baseUrl = "";
    let result: SmokeTestResult;
    try {
      const resolved = typeof settings === "function" ? settings() : settings;
      baseUrl = resolved.baseUrl;
      result = await smokeTest(resolved, deadline - REPORT_RESERVE_MS);
    } catch (error) {
      // Any unexpected failure must still answer CodeDeploy, or the deployment waits for the hook's timeout.
      result = { ok: false, results: [{ path: "*", ok: false, attempts: 0, outcome: String(error) }] };
    }
    const status: LifecycleEventStatus = result.ok ? "Succeeded" : "Failed";
    log(JSON.stringify({ deploymentId: event.DeploymentId, status, baseUrl, checks: result.results }));
    await report(codeDeploy, event, status, deadline, log);
    return { status, smokeTest: result };
  };
}

async function report(
  codeDeploy: CodeDeployClient,
  event: LifecycleHookEvent,
  status: LifecycleEventStatus,
  deadline: number,
  log: (line: string) => void,
): Promise<void> {
  const budgetMs = Math.max(0, deadline - Date.now());
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`no answer within the ${budgetMs} ms left of the invocation`));
    }, budgetMs);
  });
  try {
    await Promise.race([
      codeDeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: event.DeploymentId,
          lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
          status,
        }),
        { abortSignal: abort.signal },
      ),
      outOfTime,
    ]);
  } catch (error) {
    const { name, message } = error as Error;
    // An earlier attempt that timed out on our side may have reached CodeDeploy: the status is recorded.
    if (name === "LifecycleEventAlreadyCompletedException") {
      log(JSON.stringify({ deploymentId: event.DeploymentId, status, report: "already recorded", message }));
      return;
    }
    throw new Error(
      `could not report ${status} for deployment ${event.DeploymentId} (hook execution ${event.LifecycleEventHookExecutionId}) to CodeDeploy: ${name}: ${message}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
