// Smoke-tests the green task set through the load balancer's test listener.

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
  /** Last HTTP status, or the network error (timeout, connection refused...). */
  outcome: string;
}

export interface SmokeTestResult {
  ok: boolean;
  results: CheckResult[];
}

export async function smokeTest(settings: SmokeTestSettings): Promise<SmokeTestResult> {
  const results: CheckResult[] = [];
  for (const check of settings.checks) {
    results.push(await runCheck(settings, check));
  }
  return { ok: results.every((result) => result.ok), results };
}

async function runCheck(settings: SmokeTestSettings, check: SmokeCheck): Promise<CheckResult> {
  const url = new URL(check.path, settings.baseUrl).toString();
  let outcome = "not attempted";
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    if (attempt > 1) await sleep(settings.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: "manual",
        headers: { "user-agent": "codedeploy-test-traffic-hook" },
      });
      await response.body?.cancel();
      outcome = `HTTP ${response.status}`;
      if (accepts(check.expect, response.status)) return { path: check.path, ok: true, attempts: attempt, outcome };
    } catch (error) {
      outcome = describeNetworkError(error, settings.timeoutMs);
    }
  }
  return { path: check.path, ok: false, attempts: settings.attempts, outcome };
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
