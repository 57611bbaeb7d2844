/**
 * The ECS hook's own settings (on top of the smoke test's), in environment-variable form: infra writes them with
 * ecsHookEnvironment() at synth time, the function reads them with ecsHookSettingsFromEnvironment(). SDK-free.
 */
import {
  type Environment,
  positiveInteger,
  type SmokeTestTarget,
  smokeTestEnvironment,
  smokeTestSettingsFromEnvironment,
} from "../smoke-test/environment.ts";
import type { SmokeTestSettings } from "../smoke-test/smoke-test.ts";

/** The lifecycle stage the ECS hook answers: green receives all test traffic, production still goes to blue. */
export const ECS_SMOKE_TEST_STAGE = "POST_TEST_TRAFFIC_SHIFT";

export const ECS_HOOK_ENV = {
  rounds: "SMOKE_TEST_ROUNDS",
  callBackDelaySeconds: "CALLBACK_DELAY_SECONDS",
} as const;

export const ECS_HOOK_DEFAULTS = { rounds: 4, callBackDelaySeconds: 15, attempts: 2 };

export interface EcsHookSettings {
  smokeTest: SmokeTestSettings;
  /** Invocations (each one full smoke test) before a failing green counts as failed. */
  rounds: number;
  /** How long ECS waits before invoking the hook again after IN_PROGRESS. */
  callBackDelaySeconds: number;
}

export interface EcsHookTarget extends SmokeTestTarget {
  /** Smoke-test rounds, one per invocation (default 4). */
  rounds?: number;
  /** Seconds between rounds (default 15; ECS's own default is 30). */
  callBackDelaySeconds?: number;
}

/** The environment variables of the ECS hook function; throws on a value the function would reject. */
export function ecsHookEnvironment(target: EcsHookTarget): Record<string, string> {
  const environment = {
    // ECS invokes again between rounds, so each round needs fewer attempts than CodeDeploy's single invocation.
    ...smokeTestEnvironment({ ...target, attempts: target.attempts ?? ECS_HOOK_DEFAULTS.attempts }),
    [ECS_HOOK_ENV.rounds]: String(target.rounds ?? ECS_HOOK_DEFAULTS.rounds),
    [ECS_HOOK_ENV.callBackDelaySeconds]: String(target.callBackDelaySeconds ?? ECS_HOOK_DEFAULTS.callBackDelaySeconds),
  };
  ecsHookSettingsFromEnvironment(environment);
  return environment;
}

export function ecsHookSettingsFromEnvironment(env: Environment): EcsHookSettings {
  return {
    smokeTest: smokeTestSettingsFromEnvironment(env),
    rounds: positiveInteger(env, ECS_HOOK_ENV.rounds, ECS_HOOK_DEFAULTS.rounds),
    callBackDelaySeconds: positiveInteger(
      env,
      ECS_HOOK_ENV.callBackDelaySeconds,
      ECS_HOOK_DEFAULTS.callBackDelaySeconds,
    ),
  };
}
