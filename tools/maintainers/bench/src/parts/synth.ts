import { readdirSync } from "node:fs";
import path from "node:path";
import { type BenchContext, type BenchPart, partWithModes } from "../context.ts";
import { type Figure, figure } from "../model.ts";
import { runChecked } from "../processes.ts";
import { round } from "../stats.ts";

interface Settings {
  /** Service counts; the first is the baseline of the others. */
  counts: number[];
}

const FULL: Settings = { counts: [1, 10, 20] };
const SMOKE: Settings = { counts: [1, 2] };

export interface SynthRun {
  services: number;
  synthMs: number;
  stacks: number;
}

async function synthOf(ctx: BenchContext, count: number): Promise<SynthRun> {
  const dir = await ctx.makeTempDir(`synth-${count}`);
  const root = path.join(dir, "repo");
  ctx.progress(`${count} service(s): generating a copy of the repository (infra/scripts/generate-services.ts)`);
  await runChecked(process.execPath, ["--import", "tsx", "scripts/generate-services.ts", root, String(count)], {
    cwd: path.join(ctx.repoRoot, "infra"),
    cleanup: ctx.cleanup,
  });
  const out = path.join(dir, "cdk.out");
  ctx.progress(`${count} service(s): pnpm --filter @repo/infra synth --output <temporary>`);
  // The README's synth command with a private output folder: infra/cdk.out is left to whoever else synthesizes.
  const result = await runChecked("pnpm", ["--filter", "@repo/infra", "synth", "--output", out], {
    cwd: ctx.repoRoot,
    env: { ...process.env, INFRA_REPO_ROOT: root },
    cleanup: ctx.cleanup,
  });
  const stacks = readdirSync(out).filter((name) => name.endsWith(".template.json")).length;
  if (stacks !== count + 1) {
    throw new Error(
      `synth of ${count} service(s) wrote ${stacks} templates, expected ${count + 1} (shared + one each)`,
    );
  }
  ctx.progress(`${count} service(s): ${(result.elapsedMs / 1000).toFixed(1)} s, ${stacks} stacks`);
  return { services: count, synthMs: result.elapsedMs, stacks };
}

const seconds = (ms: number, digits = 1) => round(ms / 1000, digits);

export const synthPart: BenchPart = partWithModes(
  { id: "synth", number: "5", title: "Synth: cdk synth of 1, 10 and 20 services (generated into temporary copies)" },
  { full: FULL, smoke: SMOKE },
  async (ctx, settings) => {
    const [baselineCount, ...others] = settings.counts;
    if (baselineCount === undefined) throw new Error("no service count to synthesize");
    // The first synth also pays for reading aws-cdk-lib from disk: the baseline runs twice, the second one counts.
    const warmUp = await synthOf(ctx, baselineCount);
    const first = await synthOf(ctx, baselineCount);
    const rest: SynthRun[] = [];
    for (const count of others) rest.push(await synthOf(ctx, count));

    const figures: Figure[] = [
      figure({
        name: `synth, ${first.services} service`,
        unit: "s",
        value: seconds(first.synthMs),
        better: "lower",
        detail: `the run before it, file cache cold: ${seconds(warmUp.synthMs)} s`,
      }),
    ];
    for (const run of rest) {
      figures.push(
        figure({
          name: `synth, ${run.services} services`,
          unit: "s",
          value: seconds(run.synthMs),
          baseline: seconds(first.synthMs),
          baselineLabel: `${first.services} service`,
          better: "lower",
        }),
      );
    }
    const last = rest.at(-1);
    if (last) {
      const perService = (last.synthMs - first.synthMs) / (last.services - first.services);
      figures.push(
        figure({
          name: `cost per added service (${first.services} → ${last.services})`,
          unit: "s",
          value: seconds(perService, 2),
          baseline: seconds(first.synthMs),
          baselineLabel: `whole synth of ${first.services} service`,
          better: "lower",
        }),
      );
    }
    const notes = [
      "Wall time of `pnpm --filter @repo/infra synth --output <tmp>` (cdk CLI, the CDK app under tsx, cdk-nag " +
        "AwsSolutions checks) with INFRA_REPO_ROOT pointing at a copy of the repository whose apps/ holds N copies " +
        "of the sample service (infra/scripts/generate-services.ts). One run per count, after a first synth that " +
        "warms the file cache: on a shared machine expect ± 20 %.",
    ];
    return { figures, notes, raw: { settings, warmUp, runs: [first, ...rest] } };
  },
);
