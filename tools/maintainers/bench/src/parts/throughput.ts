import path from "node:path";
import type { BenchPart } from "../context.ts";
import type { LoadResult, Workload } from "../load.ts";
import { type Figure, figure } from "../model.ts";
import { interleavedRounds, type RoundSettings } from "../rounds.ts";
import { type ServerProcess, startServerProcess } from "../server-process.ts";
import { median, round } from "../stats.ts";
import { BASELINE_LABEL, bundleTargets, serviceEnv, WORKLOADS } from "../targets.ts";
import { bytesToMB } from "../units.ts";

// Six short rounds rather than three long ones: on a shared machine a slow stretch of a few seconds then moves one
// round of six, not one of three, and the median leaves it out.
const FULL: RoundSettings = { connections: 50, durationSec: 3, rounds: 6, warmupSec: 1 };
const SMOKE: RoundSettings = { connections: 10, durationSec: 1, rounds: 1, warmupSec: 0 };

export const throughputPart: BenchPart = {
  id: "throughput",
  number: "1",
  title: `Service throughput and latency vs ${BASELINE_LABEL}`,
  async run(ctx) {
    const settings = ctx.options.smoke ? SMOKE : FULL;
    const dir = await ctx.makeTempDir("throughput");
    const { serviceFile, baselineFile } = await bundleTargets(ctx, dir);
    const common = { cleanup: ctx.cleanup, healthPath: ctx.manifest.healthCheckPath };
    const service = await startServerProcess({
      ...common,
      file: serviceFile,
      env: serviceEnv(ctx.manifest),
      logFile: path.join(dir, "service.log"),
    });
    const baseline = await startServerProcess({
      ...common,
      file: baselineFile,
      env: {},
      logFile: path.join(dir, "baseline.log"),
    });
    const targets: Record<"service" | "baseline", ServerProcess> = { service, baseline };
    const measured: Record<string, Record<"service" | "baseline", LoadResult[]>> = {};
    let peakRss: Record<"service" | "baseline", number | null>;
    try {
      for (const workload of WORKLOADS) {
        measured[workload.id] = await interleavedRounds(targets, workload, settings, ctx.progress);
      }
      // Read while the processes still exist: the peak covers the whole run, both endpoints.
      peakRss = { service: service.peakRssBytes(), baseline: baseline.peakRssBytes() };
    } finally {
      await Promise.all([service.stop(), baseline.stop()]);
    }

    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const workload of WORKLOADS) {
      const runs = measured[workload.id];
      if (!runs) continue;
      figures.push(...workloadFigures(workload, runs.service, runs.baseline));
      const wrong = (results: LoadResult[]) =>
        results.reduce((sum, result) => sum + result.errors + result.unexpectedStatus, 0);
      const wrongService = wrong(runs.service);
      const wrongBaseline = wrong(runs.baseline);
      if (wrongService + wrongBaseline > 0) {
        notes.push(
          `${workload.label}: ${wrongService} errors or unexpected statuses from the service, ${wrongBaseline} ` +
            "from the baseline: their figures are not comparable.",
        );
      }
    }
    notes.push(
      `autocannon, ${settings.connections} connections, ${settings.rounds} interleaved round(s) of ` +
        `${settings.durationSec} s per endpoint and server` +
        (settings.warmupSec > 0 ? ` after a ${settings.warmupSec} s warm-up` : "") +
        "; figures are " +
        "medians of the rounds. Both servers are bundled with the service's own esbuild options and run by the same " +
        "Node; the service logs to a file with its service.json environment (LOG_LEVEL " +
        `${ctx.manifest.environment.LOG_LEVEL ?? "info"}), as on ECS.`,
    );
    if (peakRss.service !== null && peakRss.baseline !== null) {
      figures.push(
        figure({
          name: "peak RSS under load",
          unit: "MB",
          value: round(bytesToMB(peakRss.service), 1),
          baseline: round(bytesToMB(peakRss.baseline), 1),
          baselineLabel: BASELINE_LABEL,
          better: "lower",
        }),
      );
    } else {
      notes.push("Peak RSS not measured: /proc/<pid>/status is not available on this system.");
    }
    return { figures, notes, raw: { settings, measured, peakRssBytes: peakRss } };
  },
};

function workloadFigures(workload: Workload, service: LoadResult[], baseline: LoadResult[]): Figure[] {
  const pick = (results: LoadResult[], key: "requestsPerSec" | "p50Ms" | "p99Ms") => results.map((r) => r[key]);
  const spread = (values: number[], digits = 0) =>
    values.length > 1 ? `rounds: ${values.map((v) => round(v, digits)).join(", ")}` : undefined;
  const rows: Figure[] = [];
  for (const [key, name, unit, better, digits] of [
    ["requestsPerSec", "requests/s", "req/s", "higher", 0],
    ["p50Ms", "latency p50", "ms", "lower", 1],
    ["p99Ms", "latency p99", "ms", "lower", 1],
  ] as const) {
    const values = pick(service, key);
    const detail = spread(values, digits);
    rows.push(
      figure({
        name: `${workload.label} ${name}`,
        unit,
        value: round(median(values), digits),
        baseline: round(median(pick(baseline, key)), digits),
        baselineLabel: BASELINE_LABEL,
        better,
        ...(detail ? { detail } : {}),
      }),
    );
  }
  return rows;
}
