// What the service parts measure and compare: the service as it ships, and the bare Express baseline.
import path from "node:path";
import type { ServiceManifest } from "@repo/service-contract";
import { bundleBaseline, bundleService } from "./bundles.ts";
import type { BenchContext } from "./context.ts";
import type { Workload } from "./load.ts";
import { startServerProcess } from "./server-process.ts";

export const BASELINE_LABEL = "bare Express 5";

/** GET / and the sample service's example resource (POST /greetings), as the load balancer would send them. */
export const WORKLOADS: readonly Workload[] = [
  { id: "get-root", label: "GET /", method: "GET", path: "/", expectStatus: 200 },
  {
    id: "post-greetings",
    label: "POST /greetings",
    method: "POST",
    path: "/greetings",
    body: JSON.stringify({ name: "bench" }),
    headers: { "content-type": "application/json" },
    expectStatus: 201,
  },
];

/** The environment the service gets in its task definition (service.json), in production mode. */
export function serviceEnv(manifest: ServiceManifest): Record<string, string> {
  return { NODE_ENV: "production", ...manifest.environment };
}

/** Starts a bundled server for `ctx`'s service: its health path answers, and an interrupted run stops it. */
export function startTarget(ctx: BenchContext, file: string, env: Record<string, string>, logFile: string) {
  return startServerProcess({ file, env, logFile, cleanup: ctx.cleanup, healthPath: ctx.manifest.healthCheckPath });
}

/** Bundles the service and the baseline into `dir`, both with the service's own build options. */
export async function bundleTargets(ctx: BenchContext, dir: string) {
  ctx.progress("bundling the service (its own build options) and the bare Express baseline");
  const serviceFile = path.join(dir, "service.js");
  const baselineFile = path.join(dir, "baseline.js");
  await bundleService(ctx.repoRoot, ctx.options.service, serviceFile);
  await bundleBaseline(ctx.repoRoot, ctx.options.service, baselineFile);
  return { serviceFile, baselineFile };
}

/** A temporary folder of the part's, with the service and the baseline bundled into it. */
export async function bundledTargets(ctx: BenchContext, label: string) {
  const dir = await ctx.makeTempDir(label);
  return { dir, ...(await bundleTargets(ctx, dir)) };
}
