import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type BenchContext, type BenchPart, partWithModes } from "../context.ts";
import { type LoadTally, startClosedLoopLoad } from "../keepalive-load.ts";
import { figure } from "../model.ts";
import { alternately } from "../rounds.ts";
import { median, round } from "../stats.ts";
import { BASELINE_LABEL, bundledTargets, serviceEnv, startTarget } from "../targets.ts";

interface Settings {
  runs: number;
  connections: number;
  /** Load before SIGTERM, so the signal lands in the middle of a busy run. */
  loadBeforeSignalMs: number;
}

const FULL: Settings = { runs: 3, connections: 50, loadBeforeSignalMs: 2000 };
const SMOKE: Settings = { runs: 1, connections: 10, loadBeforeSignalMs: 300 };

export interface ShutdownRun {
  /** Counts before the signal (failures here are not the shutdown's). */
  beforeSignal: LoadTally;
  total: LoadTally;
  /** Failed requests from the signal on. */
  failedAfterSignal: number;
  timeToExitMs: number;
  exitCode: number | null;
  exitSignal: string | null;
  killed: boolean;
}

async function shutdownRun(
  ctx: BenchContext,
  file: string,
  env: Record<string, string>,
  logFile: string,
  settings: Settings,
): Promise<ShutdownRun> {
  const server = await startTarget(ctx, file, env, logFile);
  const load = startClosedLoopLoad(`${server.baseUrl}/`, { connections: settings.connections, expectStatus: 200 });
  try {
    await sleep(settings.loadBeforeSignalMs);
    const beforeSignal = load.snapshot();
    const signalledAt = performance.now();
    // ECS waits stopTimeout after SIGTERM before it sends SIGKILL; so does this.
    const exit = await server.stop("SIGTERM", ctx.manifest.stopTimeoutSeconds * 1000);
    // Every loop ends on its first refused connection; a loop still waiting after 5 s is stopped.
    const total = await Promise.race([load.settled, sleep(5000).then(() => load.stop())]);
    return {
      beforeSignal,
      total,
      failedAfterSignal: total.failed - beforeSignal.failed,
      timeToExitMs: exit.at - signalledAt,
      exitCode: exit.code,
      exitSignal: exit.signal,
      killed: exit.killed,
    };
  } finally {
    await load.stop();
    await server.stop("SIGKILL", 5000);
  }
}

export const shutdownPart: BenchPart = partWithModes(
  { id: "shutdown", number: "3", title: "Shutdown under load: SIGTERM in the middle of a load run" },
  { full: FULL, smoke: SMOKE },
  async (ctx, settings) => {
    const { dir, serviceFile, baselineFile } = await bundledTargets(ctx, "shutdown");
    const runs = await alternately(settings.runs, async (target, index) => {
      ctx.progress(
        `run ${index + 1}/${settings.runs}, ${target}: ${settings.connections} connections, SIGTERM after ${settings.loadBeforeSignalMs} ms`,
      );
      const logFile = path.join(dir, `${target}-${index}.log`);
      const run =
        target === "service"
          ? await shutdownRun(ctx, serviceFile, serviceEnv(ctx.manifest), logFile, settings)
          : await shutdownRun(ctx, baselineFile, {}, logFile, settings);
      ctx.progress(
        `  ${run.failedAfterSignal} failed after SIGTERM, exit ${run.exitCode ?? run.exitSignal} after ${Math.round(run.timeToExitMs)} ms`,
      );
      return run;
    });

    const failed = (list: ShutdownRun[]) => list.reduce((sum, run) => sum + run.failedAfterSignal, 0);
    const exitMs = (list: ShutdownRun[]) => median(list.map((run) => run.timeToExitMs));
    const perRun = (list: ShutdownRun[], pick: (run: ShutdownRun) => number) =>
      list.length > 1 ? `per run: ${list.map((run) => Math.round(pick(run))).join(", ")}` : undefined;
    const failedDetail = perRun(runs.service, (run) => run.failedAfterSignal);
    const exitDetail = perRun(runs.service, (run) => run.timeToExitMs);
    const figures = [
      figure({
        name: `failed requests after SIGTERM (${settings.runs} run${settings.runs > 1 ? "s" : ""}, total)`,
        unit: "requests",
        value: failed(runs.service),
        baseline: failed(runs.baseline),
        baselineLabel: `${BASELINE_LABEL}, no SIGTERM handler`,
        better: "lower",
        ...(failedDetail ? { detail: failedDetail } : {}),
      }),
      figure({
        name: "SIGTERM to process exit (median)",
        unit: "ms",
        value: round(exitMs(runs.service), 1),
        baseline: round(exitMs(runs.baseline), 1),
        baselineLabel: `${BASELINE_LABEL}, killed by the signal`,
        better: "lower",
        ...(exitDetail ? { detail: exitDetail } : {}),
      }),
    ];
    const notes = [
      `${settings.connections} keep-alive connections in a closed loop on GET / (a client that honours ` +
        "`Connection: close` and stops on a refused connection, as a load balancer's pool does; autocannon does not, " +
        `and would count one failure per connection against any graceful server); SIGTERM after ` +
        `${settings.loadBeforeSignalMs} ms. Failed = sent but not answered (reset, cut, timed out); refused new ` +
        "connections after the listener closed are not failures (on ECS the target is deregistered first).",
    ];
    const unclean = runs.service.filter((run) => run.exitCode !== 0 || run.killed);
    notes.push(
      unclean.length === 0
        ? `The service exited 0 after every SIGTERM, within its stopTimeout (${ctx.manifest.stopTimeoutSeconds} s).`
        : `The service did not exit cleanly in ${unclean.length} run(s): ${unclean
            .map((run) => (run.killed ? "killed after stopTimeout" : `exit ${run.exitCode ?? run.exitSignal}`))
            .join(", ")}.`,
    );
    const codes = runs.service.flatMap((run) => Object.entries(run.total.failedCodes));
    if (codes.length > 0)
      notes.push(`Failure codes (service): ${codes.map(([code, n]) => `${code} × ${n}`).join(", ")}.`);
    return { figures, notes, raw: { settings, runs } };
  },
);
