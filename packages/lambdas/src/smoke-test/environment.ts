/**
 * The smoke test's settings in environment-variable form, shared by both hooks: infra writes them with
 * smokeTestEnvironment() at synth time, the function reads them back with smokeTestSettingsFromEnvironment().
 * Kept free of SDK imports (infra loads it at synth).
 */
import type { SmokeCheck, SmokeTestSettings } from "./smoke-test.ts";

export const SMOKE_TEST_ENV = {
  testUrl: "TEST_URL",
  healthPath: "HEALTH_PATH",
  attempts: "ATTEMPTS",
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  backoffMs: "BACKOFF_MS",
} as const;

export const SMOKE_TEST_DEFAULTS = { healthPath: "/health", attempts: 4, requestTimeoutMs: 3000, backoffMs: 1000 };

export interface SmokeTestTarget {
  /** Test listener base URL, e.g. http://<alb>:9000 (a CDK token is fine). */
  testUrl: string;
  healthCheckPath: string;
  /** Attempts per check (default 4). */
  attempts?: number;
  /** Per-request timeout (default 3000 ms). */
  requestTimeoutMs?: number;
  /** Wait before the second attempt, doubled after each further failure (default 1000 ms). */
  backoffMs?: number;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variables of a hook function; throws on a value the function would reject. */
export function smokeTestEnvironment(target: SmokeTestTarget): Record<string, string> {
  const environment = {
    [SMOKE_TEST_ENV.testUrl]: target.testUrl,
    [SMOKE_TEST_ENV.healthPath]: target.healthCheckPath,
    [SMOKE_TEST_ENV.attempts]: String(target.attempts ?? SMOKE_TEST_DEFAULTS.attempts),
    [SMOKE_TEST_ENV.requestTimeoutMs]: String(target.requestTimeoutMs ?? SMOKE_TEST_DEFAULTS.requestTimeoutMs),
    [SMOKE_TEST_ENV.backoffMs]: String(target.backoffMs ?? SMOKE_TEST_DEFAULTS.backoffMs),
  };
  smokeTestSettingsFromEnvironment(environment);
  return environment;
}

/** Reads the settings the stack passes as environment variables; errors name the variable. */
export function smokeTestSettingsFromEnvironment(env: Environment): SmokeTestSettings {
  const baseUrl = requiredVariable(env, SMOKE_TEST_ENV.testUrl);
  const healthPath = env[SMOKE_TEST_ENV.healthPath] || SMOKE_TEST_DEFAULTS.healthPath;
  if (!healthPath.startsWith("/")) {
    throw new Error(`environment variable ${SMOKE_TEST_ENV.healthPath} must be a path starting with "/"`);
  }
  const checks: SmokeCheck[] = [
    { path: healthPath, expect: "success" },
    ...(healthPath === "/" ? [] : [{ path: "/", expect: "no-server-error" } as const]),
  ];
  return {
    baseUrl,
    checks,
    attempts: positiveInteger(env, SMOKE_TEST_ENV.attempts, SMOKE_TEST_DEFAULTS.attempts),
    timeoutMs: positiveInteger(env, SMOKE_TEST_ENV.requestTimeoutMs, SMOKE_TEST_DEFAULTS.requestTimeoutMs),
    backoffMs: positiveInteger(env, SMOKE_TEST_ENV.backoffMs, SMOKE_TEST_DEFAULTS.backoffMs),
  };
}

export function requiredVariable(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

export function positiveInteger(env: Environment, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer`);
  return value;
}
