// Steady traffic on the production listener while the deployment runs: a few keep-alive connections, paced to a
// rate, every answer counted by the step it was sent in, by its status and by the task set that served it.
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVED_BY_HEADER } from "./haproxy-config.ts";

/** The traffic before the first step is marked. */
export const BEFORE_THE_STEPS = "before the deployment";

export interface LoadOptions {
  url: string;
  /** A Host header (a shared listener's rule may route by host). */
  host?: string;
  connections: number;
  /** Requests per second over all connections. */
  rate: number;
  timeoutMs?: number;
}

export interface StepTraffic {
  step: string;
  sent: number;
  failed: number;
  /** Answers served by blue and by green targets. */
  blue: number;
  green: number;
}

export interface TrafficReport {
  sent: number;
  failed: number;
  /** Failures by HTTP status or network error. */
  failures: Record<string, number>;
  steps: StepTraffic[];
  seconds: number;
}

export class LoadGenerator {
  private readonly agent: Agent;
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly steps: StepTraffic[] = [];
  private readonly failures: Record<string, number> = {};
  private readonly started = performance.now();

  private constructor(private readonly options: LoadOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.connections });
    this.mark(BEFORE_THE_STEPS);
    const intervalMs = (1000 * options.connections) / options.rate;
    this.workers = Array.from({ length: options.connections }, (_, index) => this.work(intervalMs, index));
  }

  static start(options: LoadOptions): LoadGenerator {
    return new LoadGenerator(options);
  }

  /** Requests sent from now on count under `step`. */
  mark(step: string): void {
    this.steps.push({ step, sent: 0, failed: 0, blue: 0, green: 0 });
  }

  /** Totals so far. */
  totals(): { sent: number; failed: number } {
    return this.steps.reduce((sum, step) => ({ sent: sum.sent + step.sent, failed: sum.failed + step.failed }), {
      sent: 0,
      failed: 0,
    });
  }

  async stop(): Promise<TrafficReport> {
    this.running = false;
    await Promise.all(this.workers);
    this.agent.destroy();
    return {
      ...this.totals(),
      failures: { ...this.failures },
      steps: this.steps.map((step) => ({ ...step })),
      seconds: (performance.now() - this.started) / 1000,
    };
  }

  private async work(intervalMs: number, index: number): Promise<void> {
    // Spread the connections' first requests over one interval.
    await sleep((intervalMs * index) / this.options.connections);
    let next = performance.now();
    while (this.running) {
      const step = this.steps.at(-1) as StepTraffic;
      step.sent++;
      const outcome = await this.send();
      if (outcome.ok) {
        if (outcome.servedBy.startsWith("blue")) step.blue++;
        else if (outcome.servedBy.startsWith("green")) step.green++;
      } else {
        step.failed++;
        this.failures[outcome.reason] = (this.failures[outcome.reason] ?? 0) + 1;
      }
      next += intervalMs;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      else next = performance.now();
    }
  }

  private send(): Promise<{ ok: true; servedBy: string } | { ok: false; reason: string }> {
    return new Promise((resolve) => {
      const options = {
        agent: this.agent,
        timeout: this.options.timeoutMs ?? 10_000,
        ...(this.options.host ? { headers: { host: this.options.host } } : {}),
      };
      const req = request(this.options.url, options, (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 400)
            resolve({ ok: true, servedBy: String(res.headers[SERVED_BY_HEADER] ?? "") });
          else resolve({ ok: false, reason: `HTTP ${status}` });
        });
        res.on("error", (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: error.code ?? error.message }));
      });
      req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: error.code ?? error.message }));
      req.end();
    });
  }
}
