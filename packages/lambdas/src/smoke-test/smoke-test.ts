// Smoke-tests the green service revision (or task set) through the load balancer's test listener. The one
// implementation behind both engines' hooks: CodeDeploy's AfterAllowTestTraffic and ECS's POST_TEST_TRAFFIC_SHIFT.

export interface SmokeCheck {
  /** Path requested on the test listener. */
  path: string;
  /** "success": 2xx only (the health path); "no-server-error": anything below 500 (e.g. "/" may be a 404). */
  expect: "success" | "no-server-error";
}

export interface SmokeTestSettings {
  /** Base URL of the test listener, e.g. http://my-alb-123.eu-west-1.elb.amazonaws.com:9000 */
  baseUrl: string;
  checks: readonly SmokeCheck[];
  /** Attempts per check before it counts as failed. */
  attempts: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Wait before the second attempt; doubles after each further failure. */
  backoffMs: number;
}

export interface CheckResult {
  path: string;
  ok: boolean;
  attempts: number;
  /** Last HTTP status, or the network error (timeout, connection refused...), and why it stopped early. */
  outcome: string;
}

export interface SmokeTestResult {
  ok: boolean;
  results: CheckResult[];
}

/** Below this much time left an attempt is not started: it could not get an answer anyway. */
export const MIN_ATTEMPT_MS = 50;

/**
 * Runs every check in turn. `deadline` (epoch ms) bounds the whole test: no request outlives it and no attempt
 * starts when too little is left, so the caller keeps the time it reserved to report the result. A check cut short
 * by the deadline fails (its outcome says so).
 */
export async function smokeTest(
  settings: SmokeTestSettings,
  deadline = Number.POSITIVE_INFINITY,
): Promise<SmokeTestResult> {
  const results: CheckResult[] = [];
  for (const check of settings.checks) {
    results.push(await runCheck(settings, check, deadline));
  }
  return { ok: results.every((result) => result.ok), results };
}

/**
 * A check's URL: its path under the base URL's own path. On the shared load balancer the test listener routes the
 * service by its prefix (TEST_URL http://<alb>:9000/orders), so /health must become /orders/health; `new URL(path,
 * base)` would drop the prefix and probe the listener's default answer (a 404) instead.
 */
export function checkUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url.toString();
}

async function runCheck(settings: SmokeTestSettings, check: SmokeCheck, deadline: number): Promise<CheckResult> {
  const url = checkUrl(settings.baseUrl, check.path);
  let outcome = "not attempted";
  let attempts = 0;
  while (attempts < settings.attempts) {
    const wait = attempts === 0 ? 0 : settings.backoffMs * 2 ** (attempts - 1);
    if (deadline - Date.now() - wait < MIN_ATTEMPT_MS) {
      outcome = `${outcome}; stopped after ${attempts} attempt(s): the invocation's time budget ran out`;
      return { path: check.path, ok: false, attempts, outcome };
    }
    if (wait > 0) await sleep(wait);
    attempts++;
    const timeoutMs = Math.min(settings.timeoutMs, Math.max(1, Math.floor(deadline - Date.now())));
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
        headers: { "user-agent": "test-traffic-hook smoke test" },
      });
      await response.body?.cancel();
      outcome = `HTTP ${response.status}`;
      if (accepts(check.expect, response.status)) return { path: check.path, ok: true, attempts, outcome };
    } catch (error) {
      outcome = describeNetworkError(error, timeoutMs);
    }
  }
  return { path: check.path, ok: false, attempts, outcome };
}

function accepts(expect: SmokeCheck["expect"], status: number): boolean {
  return expect === "success" ? status >= 200 && status < 300 : status < 500;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") return `timed out after ${timeoutMs} ms`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
