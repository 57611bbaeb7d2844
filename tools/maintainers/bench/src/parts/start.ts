import path from "node:path";
import { type ContainerEngine, detectEngine, type RunningContainer } from "@repo/container";
import { type BenchContext, type BenchPart, partWithModes } from "../context.ts";
import { waitFor200 } from "../http.ts";
import { type Figure, figure } from "../model.ts";
import { alternately } from "../rounds.ts";
import { max, median, min, round } from "../stats.ts";
import { BASELINE_LABEL, bundledTargets, serviceEnv, startTarget } from "../targets.ts";
import { benchImageTag } from "./image.ts";

interface Settings {
  runs: number;
  containerRuns: number;
}

const FULL: Settings = { runs: 10, containerRuns: 3 };
const SMOKE: Settings = { runs: 2, containerRuns: 0 };

async function processStart(ctx: BenchContext, file: string, env: Record<string, string>, logFile: string) {
  const server = await startTarget(ctx, file, env, logFile);
  await server.stop();
  return server.healthyAt - server.spawnedAt;
}

async function containerStart(ctx: BenchContext, engine: ContainerEngine, image: string): Promise<number> {
  const container: RunningContainer = await engine.run({
    image,
    containerPort: ctx.manifest.port,
    env: ctx.manifest.environment,
  });
  const removal = ctx.cleanup.add(`remove container of ${image}`, () => container.remove());
  try {
    const healthyAt = await waitFor200(`http://127.0.0.1:${container.hostPort}${ctx.manifest.healthCheckPath}`, {
      timeoutMs: 60_000,
      exited: container.exited,
    });
    await container.stop(ctx.manifest.stopTimeoutSeconds * 1000);
    return healthyAt - container.startedAt;
  } finally {
    await removal.run();
  }
}

const spread = (values: number[]) =>
  `min ${Math.round(min(values))}, max ${Math.round(max(values))}, ${values.length} run${values.length > 1 ? "s" : ""}`;

export const startPart: BenchPart = partWithModes(
  { id: "start", number: "2", title: "Start to healthy: process start to the first 200 on the health path" },
  { full: FULL, smoke: SMOKE },
  async (ctx, settings) => {
    const { dir, serviceFile, baselineFile } = await bundledTargets(ctx, "start");
    const times = await alternately(
      settings.runs,
      (target) =>
        target === "service"
          ? processStart(ctx, serviceFile, serviceEnv(ctx.manifest), path.join(dir, "service.log"))
          : processStart(ctx, baselineFile, {}, path.join(dir, "baseline.log")),
      (round) => ctx.progress(`run ${round + 1}/${settings.runs}`),
    );

    const health = ctx.manifest.healthCheckPath;
    const figures: Figure[] = [
      figure({
        name: `node process start → first 200 on ${health} (median)`,
        unit: "ms",
        value: round(median(times.service), 1),
        baseline: round(median(times.baseline), 1),
        baselineLabel: BASELINE_LABEL,
        better: "lower",
        detail: spread(times.service),
      }),
    ];
    const notes = [
      `From just before spawning \`node <bundle>\` to the first 200, polled every 2 ms on a fresh connection; ` +
        `both bundled with the service's own esbuild options. Baseline: ${spread(times.baseline)}.`,
    ];

    const container = await measureContainer(ctx, settings);
    if ("times" in container) {
      figures.push(
        figure({
          name: `container start → first 200 on ${health} (median, ${container.engine})`,
          unit: "ms",
          value: round(median(container.times), 1),
          baseline: round(median(times.service), 1),
          baselineLabel: "the same service as a bare process",
          better: "lower",
          detail: spread(container.times),
        }),
      );
      notes.push(`Container: image ${container.image}, from \`${container.engine} run\` to the first 200.`);
    } else {
      notes.push(`Container start not measured: ${container.reason}`);
    }
    return { figures, notes, raw: { settings, times, container } };
  },
);

async function measureContainer(
  ctx: BenchContext,
  settings: Settings,
): Promise<{ times: number[]; engine: string; image: string } | { reason: string }> {
  if (settings.containerRuns === 0) return { reason: "smoke mode." };
  let engine: ContainerEngine;
  try {
    engine = await detectEngine(ctx.options.engine);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const image = benchImageTag(ctx.options.service);
  try {
    await engine.inspectImage(image);
  } catch {
    return {
      reason: `no image ${image} in ${engine.name}'s storage: the image part builds it (\`pnpm bench image start\`).`,
    };
  }
  const times: number[] = [];
  for (let index = 0; index < settings.containerRuns; index++) {
    ctx.progress(`container run ${index + 1}/${settings.containerRuns} (${engine.name})`);
    times.push(await containerStart(ctx, engine, image));
  }
  return { times, engine: engine.name, image };
}
