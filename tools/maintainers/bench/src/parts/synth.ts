import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { SYNTH_PHASES, SYNTH_TIMINGS_ENV, type SynthTimings } from "@repo/infra/lib/synth-timings.ts";
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

/** What the synth costs outside the app's process: pnpm starting the cdk CLI, the CLI reading the assembly. */
export const CLI_PHASE = "pnpm + cdk CLI";
export const PHASES = [...SYNTH_PHASES, CLI_PHASE] as const;
export type Phase = (typeof PHASES)[number];

export interface SynthRun {
  services: number;
  synthMs: number;
  stacks: number;
  /** Milliseconds per phase; a phase the app never entered is missing. */
  phases: Partial<Record<Phase, number>>;
}

/** One count's pair of synths, run one after the other. */
export interface SynthPair {
  ours: SynthRun;
  bare: SynthRun;
}

/** The app's own phases, plus what the wall time of the whole command spent outside the app's process. */
export function phasesOf(timings: SynthTimings, wallMs: number): Partial<Record<Phase, number>> {
  return { ...timings.phases, [CLI_PHASE]: Math.max(0, wallMs - timings.totalMs) };
}

const BARE_APP = "node src/baseline/bare-cdk-app.ts";

async function synthRun(
  ctx: BenchContext,
  kind: "ours" | "bare",
  count: number,
  root: string,
  dir: string,
): Promise<SynthRun> {
  const out = path.join(dir, `cdk.out-${kind}`);
  const timingsFile = path.join(dir, `timings-${kind}.json`);
  const env = { ...process.env, [SYNTH_TIMINGS_ENV]: timingsFile };
  // Ours: the README's synth command with a private output folder (infra/cdk.out is left to whoever else
  // synthesizes). The bare app: the same cdk CLI, started by pnpm the same way.
  const result =
    kind === "ours"
      ? await runChecked("pnpm", ["--filter", "@repo/infra", "synth", "--output", out], {
          cwd: ctx.repoRoot,
          env: { ...env, INFRA_REPO_ROOT: root },
          cleanup: ctx.cleanup,
        })
      : await runChecked("pnpm", ["exec", "cdk", "synth", "--quiet", "--app", BARE_APP, "--output", out], {
          cwd: path.join(ctx.repoRoot, "tools", "maintainers", "bench"),
          env: { ...env, BARE_CDK_SERVICES: String(count) },
          cleanup: ctx.cleanup,
        });
  const stacks = readdirSync(out).filter((name) => name.endsWith(".template.json")).length;
  if (stacks !== count + 1) {
    throw new Error(`${kind} synth of ${count} service(s) wrote ${stacks} templates, expected ${count + 1}`);
  }
  const timings = JSON.parse(readFileSync(timingsFile, "utf8")) as SynthTimings;
  ctx.progress(`${count} service(s), ${kind}: ${(result.elapsedMs / 1000).toFixed(1)} s, ${stacks} stacks`);
  return { services: count, synthMs: result.elapsedMs, stacks, phases: phasesOf(timings, result.elapsedMs) };
}

async function pairOf(ctx: BenchContext, count: number): Promise<SynthPair> {
  const dir = await ctx.makeTempDir(`synth-${count}`);
  const root = path.join(dir, "repo");
  ctx.progress(`${count} service(s): generating a copy of the repository (infra/scripts/generate-services.ts)`);
  await runChecked(process.execPath, ["scripts/generate-services.ts", root, String(count)], {
    cwd: path.join(ctx.repoRoot, "infra"),
    cleanup: ctx.cleanup,
  });
  const ours = await synthRun(ctx, "ours", count, root, dir);
  const bare = await synthRun(ctx, "bare", count, root, dir);
  return { ours, bare };
}

const seconds = (ms: number, digits = 1) => round(ms / 1000, digits);
const servicesLabel = (count: number) => `${count} service${count === 1 ? "" : "s"}`;

/** Per count: the whole synth, then each phase, beside the bare app's; then the cost of one more service. */
export function synthFigures(pairs: readonly SynthPair[]): Figure[] {
  const figures: Figure[] = [];
  for (const { ours, bare } of pairs) {
    const label = servicesLabel(ours.services);
    figures.push(
      figure({
        name: `synth, ${label}`,
        unit: "s",
        value: seconds(ours.synthMs),
        baseline: seconds(bare.synthMs),
        baselineLabel: `bare CDK app, ${label}`,
        better: "lower",
      }),
    );
    for (const phase of PHASES) {
      const spent = ours.phases[phase];
      if (spent === undefined) continue;
      const bareSpent = bare.phases[phase];
      figures.push(
        figure({
          name: `${label}: ${phase}`,
          unit: "s",
          value: seconds(spent, 2),
          baseline: bareSpent === undefined ? null : seconds(bareSpent, 2),
          baselineLabel: "bare CDK app",
          better: "lower",
          ...(bareSpent === undefined ? { detail: "the bare app has no such phase" } : {}),
        }),
      );
    }
  }
  const first = pairs[0];
  const last = pairs.at(-1);
  if (first && last && last.ours.services > first.ours.services) {
    const perService = (run: (pair: SynthPair) => SynthRun) =>
      (run(last).synthMs - run(first).synthMs) / (last.ours.services - first.ours.services);
    figures.push(
      figure({
        name: `cost per added service (${first.ours.services} → ${last.ours.services})`,
        unit: "s",
        value: seconds(
          perService((pair) => pair.ours),
          2,
        ),
        baseline: seconds(
          perService((pair) => pair.bare),
          2,
        ),
        baselineLabel: "bare CDK app",
        better: "lower",
      }),
    );
  }
  return figures;
}

export const synthPart: BenchPart = partWithModes(
  { id: "synth", number: "5", title: "Synth: cdk synth of 1, 10 and 20 services (generated into temporary copies)" },
  { full: FULL, smoke: SMOKE },
  async (ctx, settings) => {
    const [baselineCount] = settings.counts;
    if (baselineCount === undefined) throw new Error("no service count to synthesize");
    // The first synths also pay for reading aws-cdk-lib from disk, filling infra's Lambda bundle cache and V8's
    // compile cache: the first count runs twice, the second pair counts.
    const warmUp = await pairOf(ctx, baselineCount);
    const pairs: SynthPair[] = [];
    for (const count of settings.counts) pairs.push(await pairOf(ctx, count));
    const notes = [
      "Wall time of `pnpm --filter @repo/infra synth --output <tmp>` (cdk CLI, the CDK app under Node's type " +
        "stripping, cdk-nag AwsSolutions checks) with INFRA_REPO_ROOT pointing at a copy of the repository whose " +
        "apps/ holds N copies of the sample service (infra/scripts/generate-services.ts); its baseline, run right " +
        "after it: the same cdk CLI synthesizing a bare CDK app (src/baseline/bare-cdk-app.ts: plain aws-cdk-lib, " +
        "no cdk-nag, no asset, no compile cache) with the same kind of stacks.",
      "Phases: what the app measured itself (INFRA_SYNTH_TIMINGS, infra/lib/synth-timings.ts), each without the " +
        "phases nested in it. Process start: Node until the entry runs. aws-cdk-lib and cdk-nag load: evaluating " +
        "their CommonJS modules; other modules load: the rest of the import graph (the app's TypeScript, the other " +
        "packages, Node reading the exports of the CommonJS modules imported from ESM). pnpm + cdk CLI: the wall " +
        "time outside the app's process.",
      "One run per count after a warm-up pair; on a shared machine expect ± 20 %.",
    ];
    return { figures: synthFigures(pairs), notes, raw: { settings, warmUp, pairs } };
  },
);
