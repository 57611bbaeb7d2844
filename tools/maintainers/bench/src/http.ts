import { setTimeout as sleep } from "node:timers/promises";

import { freePort, probe } from "@repo/container";

export { freePort, probe };

export type ProbeResult = { status: number } | { error: string };

export interface WaitFor200Options {
  timeoutMs: number;
  /** Pause between attempts; short, because the figure is the time to the first 200. */
  intervalMs?: number;
  /** Settles when the process exits: waiting stops there. */
  exited?: Promise<unknown>;
}

/** Polls `url` until it answers 200 and returns performance.now() of that answer. */
export async function waitFor200(url: string, options: WaitFor200Options): Promise<number> {
  let exited = false;
  void options.exited?.then(() => {
    exited = true;
  });
  const deadline = performance.now() + options.timeoutMs;
  let last = "no attempt";
  for (;;) {
    const result = await probe(url);
    if ("status" in result && result.status === 200) return performance.now();
    last = "status" in result ? `HTTP ${result.status}` : result.error;
    if (exited) throw new Error(`the process exited before GET ${url} answered 200 (last: ${last})`);
    if (performance.now() >= deadline) {
      throw new Error(`GET ${url} did not answer 200 within ${options.timeoutMs} ms (last: ${last})`);
    }
    await sleep(options.intervalMs ?? 2);
  }
}
