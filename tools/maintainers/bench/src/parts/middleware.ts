import path from "node:path";
import type { Plugin } from "esbuild";
import { bundleBaseline, bundleService, replaceModule } from "../bundles.ts";
import type { BenchPart } from "../context.ts";
import type { LoadResult } from "../load.ts";
import { type Figure, figure } from "../model.ts";
import { interleavedRounds, type RoundSettings } from "../rounds.ts";
import { type ServerProcess, startServerProcess } from "../server-process.ts";
import { median, round } from "../stats.ts";
import { BASELINE_LABEL, serviceEnv, WORKLOADS } from "../targets.ts";

const FULL: RoundSettings = { connections: 50, durationSec: 3, rounds: 2, warmupSec: 1 };
const SMOKE: RoundSettings = { connections: 10, durationSec: 1, rounds: 1, warmupSec: 0 };

/** helmet() replaced by a middleware that only calls next(). */
const noHelmet = (src: string) =>
  replaceModule("helmet", /^helmet$/, "export default function helmet() { return (_req, _res, next) => next(); }", src);

/** The request context (request id, X-Request-Id header, one log line per request) replaced by a bare id. */
const noRequestContext = (src: string) =>
  replaceModule(
    "request-context",
    /(^|\/)request-context(\.ts)?$/,
    [
      "export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:+=/-]{1,128}$/;",
      'export function requestContext() { return (_req, res, next) => { res.locals.requestId = "-"; next(); }; }',
    ].join("\n"),
    src,
  );

/**
 * The service's logger module with every line written at once, one write system call per line, instead of the
 * lines of an event-loop turn together: what the buffer saves.
 */
const unbufferedLog = (src: string) =>
  replaceModule(
    "logger",
    /(^|\/)logger(\.ts)?$/,
    [
      'export * from "./logger.ts";',
      'import { pino } from "pino";',
      "export function bufferedDestination(fd = 1) { return pino.destination({ dest: fd, sync: true }); }",
    ].join("\n"),
    src,
  );

/** Requests and responses made by node:http as usual, so Express re-prototypes each of them. */
const expressSetsPrototypes = (src: string) =>
  replaceModule(
    "express-prototypes",
    /(^|\/)express-prototypes(\.ts)?$/,
    "export function expressPrototypes() { return {}; }",
    src,
  );

interface Variant {
  id: string;
  label: string;
  plugins: ((src: string) => Plugin)[];
  env?: Record<string, string>;
}

/** Each variant removes (or changes) one piece, so its difference to "as shipped" is that piece's cost. */
const VARIANTS: readonly Variant[] = [
  { id: "shipped", label: "service as shipped", plugins: [] },
  {
    id: "no-request-log",
    label: "without the per-request log line (LOG_LEVEL=warn)",
    plugins: [],
    env: { LOG_LEVEL: "warn" },
  },
  { id: "unbuffered-log", label: "request log written line by line (no buffer)", plugins: [unbufferedLog] },
  {
    id: "express-prototypes",
    label: "requests re-prototyped by Express (node:http's own classes)",
    plugins: [expressSetsPrototypes],
  },
  { id: "no-helmet", label: "without helmet", plugins: [noHelmet] },
  { id: "no-request-context", label: "without request id and request log", plugins: [noRequestContext] },
  {
    id: "routes-only",
    label: "without helmet, request id and request log (routes, JSON errors, 405s)",
    plugins: [noHelmet, noRequestContext],
  },
];

export const middlewarePart: BenchPart = {
  id: "middleware",
  number: "1b",
  title: "Where the service's per-request time goes (GET /, one piece changed at a time)",
  async run(ctx) {
    const settings = ctx.options.smoke ? SMOKE : FULL;
    const dir = await ctx.makeTempDir("middleware");
    const workload = WORKLOADS[0];
    if (!workload) throw new Error("no GET / workload");
    ctx.progress(`bundling ${VARIANTS.length} variants of the service and the baseline`);
    const servers: Record<string, ServerProcess> = {};
    try {
      for (const variant of VARIANTS) {
        const file = path.join(dir, `${variant.id}.js`);
        const src = path.join(ctx.repoRoot, "apps", ctx.options.service, "src");
        await bundleService(
          ctx.repoRoot,
          ctx.options.service,
          file,
          variant.plugins.map((plugin) => plugin(src)),
        );
        servers[variant.id] = await startServerProcess({
          file,
          env: { ...serviceEnv(ctx.manifest), ...variant.env },
          logFile: path.join(dir, `${variant.id}.log`),
          cleanup: ctx.cleanup,
          healthPath: ctx.manifest.healthCheckPath,
        });
      }
      const baselineFile = path.join(dir, "baseline.js");
      await bundleBaseline(ctx.repoRoot, ctx.options.service, baselineFile);
      servers.baseline = await startServerProcess({
        file: baselineFile,
        env: {},
        logFile: path.join(dir, "baseline.log"),
        cleanup: ctx.cleanup,
        healthPath: ctx.manifest.healthCheckPath,
      });
      const measured = await interleavedRounds(servers, workload, settings, ctx.progress);
      const rps = (results: LoadResult[] | undefined) => median((results ?? []).map((r) => r.requestsPerSec));
      const baselineRps = rps(measured.baseline);
      const shippedRps = rps(measured.shipped);
      const figures: Figure[] = VARIANTS.map((variant) =>
        figure({
          name: `GET / requests/s, ${variant.label}`,
          unit: "req/s",
          value: round(rps(measured[variant.id])),
          baseline: round(baselineRps),
          baselineLabel: BASELINE_LABEL,
          better: "higher",
        }),
      );
      const notes = [
        `Each variant is the service bundled from its own source with one module replaced at build time (esbuild), ` +
          `or one setting changed; ${settings.rounds} interleaved round(s) of ${settings.durationSec} s, ` +
          `${settings.connections} connections, medians.`,
        ...VARIANTS.slice(1).map((variant) => {
          const change = Math.round((rps(measured[variant.id]) / shippedRps - 1) * 100);
          return `${variant.label}: ${change > 0 ? "+" : ""}${change === 0 ? "±0" : change} % requests/s vs as shipped.`;
        }),
      ];
      return { figures, notes, raw: { settings, measured } };
    } finally {
      await Promise.all(Object.values(servers).map((server) => server.stop()));
    }
  },
};
