import { request } from "node:http";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A TCP port on 127.0.0.1 nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port the kernel assigned"));
      });
    });
  });
}

export type ProbeResult = { status: number } | { error: string };

/** One GET on a fresh connection: the status, or the connection error's code (ECONNREFUSED while starting). */
export function probe(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
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
