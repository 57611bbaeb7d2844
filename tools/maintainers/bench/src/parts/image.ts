import { readFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import {
  argDefault,
  type BuildRequest,
  type ContainerEngine,
  detectEngine,
  formatBytes,
  splitImageSize,
} from "@repo/container";
import { copyProjectFiles } from "@repo/devkit/files";
import { type BenchPart, partWithModes } from "../context.ts";
import { type Figure, figure, PartSkipped } from "../model.ts";
import { runCommand } from "../processes.ts";
import { round } from "../stats.ts";
import { megabytes } from "../units.ts";

/** The image the image part leaves behind for the start part's container figure. */
export function benchImageTag(service: string): string {
  return `localhost/${service}:bench`;
}

interface Settings {
  /** A build without any layer cache, then a rebuild after a one-line change; smoke: one cached build. */
  coldAndRebuild: boolean;
}

const FULL: Settings = { coldAndRebuild: true };
const SMOKE: Settings = { coldAndRebuild: false };

/** A build step line: buildah's "[1/3] STEP 2/9: RUN ..." or BuildKit's "#7 [build 2/9] RUN ...". */
const STEP_LINE = /^(?:(?:\[\d+\/\d+\] )?STEP \d+\/\d+: |#\d+ \[[^\]]*\d+\/\d+\] )(\w+)/;

/** Steps the engine answered from its layer cache, and all steps but FROM (which has no layer of its own). */
export function countCachedSteps(lines: readonly string[]): { cached: number; steps: number } {
  let cached = 0;
  let steps = 0;
  const seen = new Set<string>();
  for (const line of lines) {
    const step = STEP_LINE.exec(line);
    // BuildKit prints a step again when it finishes; count each once.
    if (step && step[1] !== "FROM" && !seen.has(line)) {
      seen.add(line);
      steps++;
    }
    if (/^--> Using cache /.test(line) || /^#\d+ CACHED$/.test(line)) cached++;
  }
  return { cached, steps };
}

/** A one-line source change that reaches the bundle (a comment would be stripped and reuse every layer). */
export const REBUILD_MARKER_LINE = (stamp: string) =>
  `(globalThis as Record<string, unknown>).benchRebuildMarker = "${stamp}";\n`;

export const imagePart: BenchPart = partWithModes(
  { id: "image", number: "4", title: "Image: size, size added on top of the base image, rebuild vs cold build" },
  { full: FULL, smoke: SMOKE },
  async (ctx, settings) => {
    let engine: ContainerEngine;
    try {
      engine = await detectEngine(ctx.options.engine);
    } catch (error) {
      throw new PartSkipped((error as Error).message);
    }
    const service = ctx.options.service;
    const dockerfileRel = path.join("apps", service, "Dockerfile");
    let dockerfileText: string;
    try {
      dockerfileText = readFileSync(path.join(ctx.repoRoot, dockerfileRel), "utf8");
    } catch {
      throw new PartSkipped(`${dockerfileRel} does not exist`);
    }
    const baseImage = ctx.options.baseImage ?? argDefault(dockerfileText, "NODE_IMAGE", dockerfileRel);
    if (engine.name === "buildah") {
      // Docker's engine layer pulls a missing base; with buildah the bench never reaches for a registry.
      try {
        await engine.inspectImage(baseImage);
      } catch {
        throw new PartSkipped(
          `base image ${baseImage} is not in buildah's local storage and the bench pulls nothing: pass ` +
            '--base-image or NODE_IMAGE (on a machine without registry access: NODE_IMAGE="$(bash .ci/container-base.sh)")',
        );
      }
    }

    const copy = await ctx.makeTempDir("image");
    ctx.progress(`copying the repository to ${copy}`);
    copyProjectFiles(ctx.repoRoot, copy);
    const tag = benchImageTag(service);
    const request = (imageTag: string, onLine: (line: string) => void): BuildRequest => ({
      contextDir: copy,
      dockerfile: dockerfileRel,
      tag: imageTag,
      buildArgs: { SERVICE: service, NODE_IMAGE: baseImage },
      onLine,
    });
    const progressLine = (line: string) => {
      if (STEP_LINE.test(line)) ctx.progress(`  ${line.slice(0, 110)}`);
    };

    const raw: Record<string, unknown> = { settings, engine: engine.name, baseImage };
    let coldMs: number | null = null;
    if (settings.coldAndRebuild) {
      const coldTag = `${tag}-cold`;
      ctx.progress(`cold build (${engine.name}, no layer cache): a few minutes`);
      const coldStarted = performance.now();
      await engine.build({ ...request(coldTag, progressLine), noCache: true });
      coldMs = performance.now() - coldStarted;
      raw.coldBuildMs = coldMs;
      await runCommand(engine.name, ["rmi", coldTag]);
      ctx.progress(`one-line change in apps/${service}/src/server.ts (in the copy)`);
      await appendFile(
        path.join(copy, "apps", service, "src", "server.ts"),
        REBUILD_MARKER_LINE(new Date().toISOString()),
      );
    }

    ctx.progress(settings.coldAndRebuild ? "rebuild with the layer cache" : "build with the layer cache (smoke)");
    const lines: string[] = [];
    const started = performance.now();
    await engine.build(
      request(tag, (line) => {
        lines.push(line);
        progressLine(line);
      }),
    );
    const rebuildMs = performance.now() - started;
    const steps = countCachedSteps(lines);
    const sizes = splitImageSize(await engine.inspectImage(tag), await engine.inspectImage(baseImage));
    Object.assign(raw, { rebuildMs, steps, sizes });

    const baseLabel = `base image ${baseImage}`;
    const figures: Figure[] = [
      figure({
        name: "image size (uncompressed)",
        unit: "MB",
        value: megabytes(sizes.imageBytes, 1),
        baseline: megabytes(sizes.baseBytes, 1),
        baselineLabel: baseLabel,
        better: "lower",
      }),
      figure({
        name: `size the service adds on top of its base image (${sizes.addedLayers} layer${sizes.addedLayers === 1 ? "" : "s"})`,
        unit: "MB",
        value: megabytes(sizes.addedBytes, 2),
        baseline: megabytes(sizes.baseBytes, 1),
        baselineLabel: baseLabel,
        better: "lower",
      }),
    ];
    if (coldMs !== null) {
      figures.push(
        figure({
          name: "rebuild after a one-line source change",
          unit: "s",
          value: round(rebuildMs / 1000, 1),
          baseline: round(coldMs / 1000, 1),
          baselineLabel: "cold build, no layer cache",
          better: "lower",
          detail: `${steps.cached} of ${steps.steps} steps from the layer cache`,
        }),
      );
    }
    const notes = [
      `${engine.name}; the unchanged Dockerfile (apps/${service}/Dockerfile) built from a copy of the working tree; ` +
        `base image ${baseImage} (${formatBytes(sizes.baseBytes)}); the service adds ${formatBytes(sizes.addedBytes)}: ` +
        "its runtime stage copies the bundle (dist/) alone, no node_modules and no dev dependencies.",
    ];
    if (coldMs !== null) {
      notes.push(
        "Cold = the engine's --no-cache (every step runs; the pnpm store cache mount stays warm, and npm install -g " +
          "turbo/pnpm still fetch from the registry). The one-line change is a statement appended to src/server.ts " +
          "in the copy, so the bundle really changes; layers above the changed COPY are rebuilt.",
      );
    } else {
      notes.push("Smoke mode: one build with the layer cache, no cold build, no rebuild.");
    }
    return { figures, notes, raw };
  },
);
