import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** One GET: the status code, or the connection error's code (ECONNREFUSED while the server is starting). */
export function probe(url: string, timeoutMs = 2000): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    // A fresh connection each time (agent: false): no pooled keep-alive socket outlives the check.
    const req = request(url, { method: "GET", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      res.on("error", (error) => resolve({ error: error.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

export class HealthCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HealthCheckFailed";
  }
}

export interface WaitForHealthyOptions {
  url: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Settles when the container exits; waiting stops there. */
  exited: Promise<number | null>;
}

/** Polls `url` until it answers 200. Throws when the container exits first or the time runs out. */
export async function waitForHealthy({ url, timeoutMs, intervalMs = 100, exited }: WaitForHealthyOptions) {
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = performance.now() + timeoutMs;
  let last = "no attempt";
  for (;;) {
    const result = await probe(url);
    if ("status" in result && result.status === 200) return;
    last = "status" in result ? `HTTP ${result.status}` : result.error;
    if (exitCode !== undefined) {
      throw new HealthCheckFailed(`the container exited (code ${exitCode}) before GET ${url} answered 200`);
    }
    if (performance.now() >= deadline) {
      throw new HealthCheckFailed(`GET ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    }
    await sleep(intervalMs);
  }
}
