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
  /** Synths per count and app, interleaved; the median counts. */
  rounds: number;
}

const FULL: Settings = { counts: [1, 10, 20], rounds: 3 };
const SMOKE: Settings = { counts: [1, 2], rounds: 1 };

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

/** One count's synths: ours and the bare app's, each the median of the rounds (every round's wall time beside). */
export interface SynthPair {
  ours: SynthRun;
  bare: SynthRun;
  rounds?: { ours: number[]; bare: number[] };
}

/** The run of median wall time (its phases with it, so that they add up to what was measured). */
export function medianRun(runs: readonly SynthRun[]): SynthRun {
  const sorted = [...runs].sort((a, b) => a.synthMs - b.synthMs);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!middle) throw new RangeError("median of no synth runs");
  return middle;
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

interface Copy {
  count: number;
  dir: string;
  root: string;
}

async function copyWith(ctx: BenchContext, count: number): Promise<Copy> {
  const dir = await ctx.makeTempDir(`synth-${count}`);
  const root = path.join(dir, "repo");
  ctx.progress(`${count} service(s): generating a copy of the repository (infra/scripts/generate-services.ts)`);
  await runChecked(process.execPath, ["scripts/generate-services.ts", root, String(count)], {
    cwd: path.join(ctx.repoRoot, "infra"),
    cleanup: ctx.cleanup,
  });
  return { count, dir, root };
}

async function pairOf(ctx: BenchContext, { count, root, dir }: Copy): Promise<SynthPair> {
  const ours = await synthRun(ctx, "ours", count, root, dir);
  const bare = await synthRun(ctx, "bare", count, root, dir);
  return { ours, bare };
}

/** Round after round over every count, ours then bare each time, so that a slow stretch of the machine hits all. */
async function pairsOf(ctx: BenchContext, copies: readonly Copy[], rounds: number): Promise<SynthPair[]> {
  const runs = copies.map(() => [] as SynthPair[]);
  for (let round = 1; round <= rounds; round++) {
    for (const [index, copy] of copies.entries()) {
      ctx.progress(`round ${round}/${rounds}: ${servicesLabel(copy.count)}`);
      runs[index]?.push(await pairOf(ctx, copy));
    }
  }
  return runs.map((pairs) => ({
    ours: medianRun(pairs.map((pair) => pair.ours)),
    bare: medianRun(pairs.map((pair) => pair.bare)),
    rounds: { ours: pairs.map((pair) => pair.ours.synthMs), bare: pairs.map((pair) => pair.bare.synthMs) },
  }));
}

const seconds = (ms: number, digits = 1) => round(ms / 1000, digits);
const servicesLabel = (count: number) => `${count} service${count === 1 ? "" : "s"}`;

/** Per count: the whole synth, then each phase, beside the bare app's; then the cost of one more service. */
export function synthFigures(pairs: readonly SynthPair[]): Figure[] {
  const figures: Figure[] = [];
  for (const { ours, bare, rounds } of pairs) {
    const label = servicesLabel(ours.services);
    const spread = (ms: number[]) => ms.map((value) => seconds(value)).join(", ");
    figures.push(
      figure({
        name: `synth, ${label}`,
        unit: "s",
        value: seconds(ours.synthMs),
        baseline: seconds(bare.synthMs),
        baselineLabel: `bare CDK app, ${label}`,
        better: "lower",
        ...(rounds && rounds.ours.length > 1
          ? { detail: `rounds: ${spread(rounds.ours)} s (bare: ${spread(rounds.bare)} s)` }
          : {}),
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
    const copies: Copy[] = [];
    for (const count of settings.counts) copies.push(await copyWith(ctx, count));
    // The first synths also pay for reading aws-cdk-lib from disk, filling infra's Lambda bundle cache and V8's
    // compile cache: a warm-up pair of the first count first, which does not count.
    const [first] = copies;
    if (!first) throw new Error("no service count to synthesize");
    const warmUp = await pairOf(ctx, first);
    const pairs = await pairsOf(ctx, copies, settings.rounds);
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
      `${settings.rounds} round(s) over every count after a warm-up pair, ours then the bare app's each time; each ` +
        "figure is the median round (its phases with it), and the cost per added service comes from those medians.",
    ];
    return { figures: synthFigures(pairs), notes, raw: { settings, warmUp, pairs } };
  },
);
