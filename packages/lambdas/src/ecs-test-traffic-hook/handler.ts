// ECS POST_TEST_TRAFFIC_SHIFT hook: smoke-test the green service revision through the test listener and answer
// ECS synchronously. ECS rolls back on FAILED (and on an error or a missing hookStatus), goes on on SUCCEEDED and
// invokes again after callBackDelay seconds on IN_PROGRESS, handing back the hookDetails we returned.
import { type LambdaContext, RETURN_MARGIN_MS } from "../smoke-test/budget.ts";
import { type SmokeTestResult, smokeTest } from "../smoke-test/smoke-test.ts";
import { ECS_SMOKE_TEST_STAGE, type EcsHookSettings } from "./config.ts";

/** The payload ECS invokes a Lambda lifecycle hook with. */
export interface EcsLifecycleHookEvent {
  executionId?: string;
  lifecycleStage?: string;
  /** The service deployment's ARN. */
  resourceArn?: string;
  executionDetails?: {
    serviceArn?: string;
    targetServiceRevisionArn?: string;
    testTrafficWeights?: Record<string, number>;
    productionTrafficWeights?: Record<string, number>;
  };
  /** The hook's configured hookDetails, or what the previous invocation returned with IN_PROGRESS. */
  hookDetails?: Record<string, unknown>;
}

export type EcsHookStatus = "SUCCEEDED" | "FAILED" | "IN_PROGRESS";

export interface EcsHookResponse {
  hookStatus: EcsHookStatus;
  /** Seconds before ECS invokes the hook again (IN_PROGRESS only). */
  callBackDelay?: number;
  /** Handed back to the next invocation (IN_PROGRESS only). */
  hookDetails?: Record<string, unknown>;
}

/** The hookDetails key that carries the number of smoke-test rounds already run in this deployment. */
export const ROUNDS_DONE_KEY = "smokeTestRoundsDone";

/**
 * One smoke test per invocation, within the invocation's remaining time. A failing green answers IN_PROGRESS while
 * rounds remain (the count travels in hookDetails, so no state is kept anywhere else) and FAILED after the last.
 * `settings` may be a function, read per invocation: a misconfigured function answers FAILED, it does not throw.
 */
export function createEcsHandler(
  settings: EcsHookSettings | (() => EcsHookSettings),
  log: (line: string) => void = (line) => console.log(line),
): (event: EcsLifecycleHookEvent, context: LambdaContext) => Promise<EcsHookResponse> {
  return async (event, context) => {
    const deadline = Date.now() + context.getRemainingTimeInMillis() - RETURN_MARGIN_MS;
    const details = isRecord(event?.hookDetails) ? event.hookDetails : {};
    const round = roundsDone(details) + 1;
    const about = {
      serviceDeploymentArn: event?.resourceArn,
      serviceRevisionArn: event?.executionDetails?.targetServiceRevisionArn,
      lifecycleStage: event?.lifecycleStage,
      round,
    };
    const answer = (response: EcsHookResponse, extra: Record<string, unknown>): EcsHookResponse => {
      log(JSON.stringify({ ...about, ...extra, hookStatus: response.hookStatus }));
      return response;
    };

    if (event?.lifecycleStage !== ECS_SMOKE_TEST_STAGE) {
      // Attached to another stage the smoke test would probe blue or nothing: fail loudly rather than pass blindly.
      return answer({ hookStatus: "FAILED" }, { reason: `this hook answers ${ECS_SMOKE_TEST_STAGE} only` });
    }
    let resolved: EcsHookSettings;
    let result: SmokeTestResult;
    try {
      resolved = typeof settings === "function" ? settings() : settings;
      result = await smokeTest(resolved.smokeTest, deadline);
    } catch (error) {
      // A configuration error does not heal between rounds.
      return answer({ hookStatus: "FAILED" }, { reason: String(error) });
    }
    const checks = result.results;
    if (result.ok) return answer({ hookStatus: "SUCCEEDED" }, { rounds: resolved.rounds, checks });
    if (round < resolved.rounds) {
      return answer(
        {
          hookStatus: "IN_PROGRESS",
          callBackDelay: resolved.callBackDelaySeconds,
          hookDetails: { ...details, [ROUNDS_DONE_KEY]: round },
        },
        { rounds: resolved.rounds, checks },
      );
    }
    return answer({ hookStatus: "FAILED" }, { rounds: resolved.rounds, checks });
  };
}

function roundsDone(details: Record<string, unknown>): number {
  const value = details[ROUNDS_DONE_KEY];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
