import { appendFile, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { stripAnsi } from "@repo/devkit/process";
import { endedChildrenCpuSeconds } from "../children-cpu.ts";
import type { AgainstCommit, BenchContext, BenchPart } from "../context.ts";
import { type Figure, figure } from "../model.ts";
import { runCommand } from "../processes.ts";
import { installedCopy, turboEnv } from "../repository-copy.ts";
import { alternately } from "../rounds.ts";
import { median, round } from "../stats.ts";
import { newestRunSummary, type TaskOutcome, tasksAffectedBy, taskTimes } from "../turbo-summary.ts";

/** What runs three times (pnpm arguments): the README's test command; smoke: the service's type check alone. */
function commandArgs(smoke: boolean, service: string): string[] {
  return smoke ? ["exec", "turbo", "run", "check-types", `--filter=@repo/${service}`] : ["test"];
}

/** The command as the figures and messages name it. */
const commandLine = (args: readonly string[]) => `pnpm ${args.join(" ")}`;

interface TurboRun {
  label: string;
  ms: number;
  tasks: TaskOutcome[];
}

/** Full mode: cold runs of each side with --against, alternating who goes first. */
const AGAINST_ROUNDS = 3;

async function timedRun(
  ctx: BenchContext,
  copy: string,
  args: string[],
  label: string,
  tree = "the working tree as it is now",
): Promise<TurboRun> {
  const command = commandLine(args);
  ctx.progress(`${command}: ${label}`);
  const since = Date.now();
  const result = await runCommand("pnpm", args, {
    cwd: copy,
    env: turboEnv(),
    cleanup: ctx.cleanup,
    onLine: (line) => {
      if (/^\s*(Tasks|Cached|Time):/.test(line) || /(cache miss|ERROR|FAIL)/.test(line))
        ctx.progress(`  ${line.trim().slice(0, 120)}`);
    },
  });
  if (result.exitCode !== 0) {
    let failed = "see its output";
    try {
      const tasks = newestRunSummary(copy, since).filter((task) => task.exitCode !== null && task.exitCode !== 0);
      if (tasks.length > 0) failed = `failed: ${tasks.map((task) => task.taskId).join(", ")}`;
    } catch {
      // No summary: turbo itself failed; the output tail says why.
    }
    const output = stripAnsi(`${result.stdout}\n${result.stderr}`).trim().split("\n");
    // The test runner's failure lines first (which test, which assertion), then the end of the output.
    const failures = output.filter((line) => /\bFAIL\b|Error:|timed out/.test(line)).slice(0, 10);
    const tail = [...failures, "…", ...output.slice(-12)].join("\n  ");
    throw new Error(
      `\`${command}\` (${label}) does not pass on ${tree} (${failed}); these figures ` + `need a green run:\n  ${tail}`,
    );
  }
  return { label, ms: result.elapsedMs, tasks: newestRunSummary(copy, since) };
}

export const turboPart: BenchPart = {
  id: "turbo",
  number: "6",
  title: "Turbo: the README test command cold, fully cached, and after touching one service",
  async run(ctx) {
    const args = commandArgs(ctx.options.smoke, ctx.options.service);
    const dir = await ctx.makeTempDir("turbo");
    const copy = path.join(dir, "repo");
    await installedCopy(ctx, copy, undefined);

    const command = commandLine(args);
    const cpuBefore = endedChildrenCpuSeconds();
    const cold = await timedRun(ctx, copy, args, "cold (empty cache)");
    const cpuAfter = endedChildrenCpuSeconds();
    const cached = await timedRun(ctx, copy, args, "again, nothing changed");
    const touchedFile = path.join("apps", ctx.options.service, "src", "app.ts");
    await appendFile(path.join(copy, touchedFile), `// bench: touched ${new Date().toISOString()}\n`);
    const touched = await timedRun(ctx, copy, args, `after a one-line change in ${touchedFile}`);

    const executed = (run: TurboRun) => run.tasks.filter((task) => task.cache === "MISS");
    const servicePackage = `@repo/${ctx.options.service}`;
    const ranAfterTouch = executed(touched);
    // Expected: the service's tasks, the root lint (it reads every file) and tasks that depend on those.
    const affected = tasksAffectedBy(servicePackage, touched.tasks);
    const unexpected = ranAfterTouch.filter((task) => !affected.has(task.taskId));
    const list = (tasks: TaskOutcome[]) => tasks.map((task) => task.taskId).join(", ") || "none";

    const coldSec = round(cold.ms / 1000, 1);
    // The cold run's baseline: its own CPU time spread over every core, the wall time no schedule could beat.
    const cores = availableParallelism();
    const coldCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    const figures: Figure[] = [
      figure({
        name: `${command}, cold (empty cache, ${executed(cold).length} tasks run)`,
        unit: "s",
        value: coldSec,
        baseline: coldCpu === null ? null : round(coldCpu / cores, 1),
        baselineLabel:
          coldCpu === null ? null : `its own ${round(coldCpu, 1)} CPU-s ÷ ${cores} cores: no schedule is faster`,
        better: "lower",
        ...(coldCpu === null ? { detail: "no /proc here to read its CPU time from" } : {}),
      }),
      figure({
        name: `${command}, fully cached (${executed(cached).length} of ${cached.tasks.length} tasks run)`,
        unit: "s",
        value: round(cached.ms / 1000, 1),
        baseline: coldSec,
        baselineLabel: "cold",
        better: "lower",
      }),
      figure({
        name: `${command} after touching ${ctx.options.service} (${ranAfterTouch.length} of ${touched.tasks.length} tasks run)`,
        unit: "s",
        value: round(touched.ms / 1000, 1),
        baseline: coldSec,
        baselineLabel: "cold",
        better: "lower",
        detail: list(ranAfterTouch),
      }),
    ];
    const notes = [
      `Run in a copy of the working tree (a fresh \`git init\` with every file staged, nothing committed; ` +
        "`pnpm install --offline --frozen-lockfile`), so the " +
        `cold run starts from an empty turbo cache and the developer's cache and files are never touched. ` +
        `${ctx.options.smoke ? `Smoke mode runs \`${command}\` instead of the README's \`pnpm test\`.` : "`pnpm test` is the README's test command (turbo run test check-types //#lint)."} ` +
        "Task counts come from turbo's run summaries (TURBO_RUN_SUMMARY).",
      unexpected.length === 0
        ? `After touching ${touchedFile}, every task that ran is ${servicePackage}'s, the root lint or a task that ` +
          `depends on the service: ${list(ranAfterTouch)}.`
        : `After touching ${touchedFile}, tasks that do not depend on ${servicePackage} ran too: ${list(unexpected)}.`,
      `Each task of the cold run, the slowest first (they run side by side, so they add up to more than the whole): ${taskTimes(cold.tasks).join(", ")}.`,
    ];
    if (executed(cached).length > 0) notes.push(`Not cached on the second run: ${list(executed(cached))}.`);
    const against = ctx.options.against;
    if (against === undefined) return { figures, notes, raw: { command, runs: [cold, cached, touched] } };
    const compared = await coldAgainst(ctx, dir, args, against);
    return {
      figures: [...figures, ...compared.figures],
      notes: [...notes, compared.note],
      raw: { command, runs: [cold, cached, touched], against: { ...against, rounds: compared.rounds } },
    };
  },
};

interface ColdRound {
  seconds: number;
  cpuSeconds: number | null;
  tasks: number;
}

/**
 * The cold run again, on a fresh copy of the working tree and on one of `against` (installed the same way), round
 * after round, who goes first alternating: the two sides meet the same machine, and neither gets a warmer page cache.
 */
async function coldAgainst(ctx: BenchContext, dir: string, args: string[], against: AgainstCommit) {
  const rounds = ctx.options.smoke ? 1 : AGAINST_ROUNDS;
  const command = commandLine(args);
  const label = commitLabel(against);
  // alternately's targets: "service" is the working tree, "baseline" the commit.
  const results = await alternately(rounds, async (target, index): Promise<ColdRound> => {
    const commit = target === "service" ? undefined : against.commit;
    const tree = commit === undefined ? undefined : label;
    const copy = path.join(dir, `${target === "service" ? "tree" : "commit"}-${index + 1}`);
    await installedCopy(ctx, copy, commit);
    const cpuBefore = endedChildrenCpuSeconds();
    const run = await timedRun(ctx, copy, args, `cold, round ${index + 1}/${rounds}, ${tree ?? "working tree"}`, tree);
    const cpuAfter = endedChildrenCpuSeconds();
    await rm(copy, { recursive: true, force: true });
    return {
      seconds: round(run.ms / 1000, 1),
      cpuSeconds: cpuBefore === null || cpuAfter === null ? null : round(cpuAfter - cpuBefore, 1),
      tasks: run.tasks.filter((task) => task.cache === "MISS").length,
    };
  });
  const ours = results.service;
  const theirs = results.baseline;
  const spread = (side: ColdRound[], pick: (r: ColdRound) => number | null) => side.map(pick).join(", ");
  const figures: Figure[] = [
    figure({
      name: `${command}, cold, working tree vs ${against.ref} (median of ${rounds} alternated rounds, fresh copies)`,
      unit: "s",
      value: median(ours.map((r) => r.seconds)),
      baseline: median(theirs.map((r) => r.seconds)),
      baselineLabel: label,
      better: "lower",
      detail: `rounds: ${spread(ours, (r) => r.seconds)} s vs ${spread(theirs, (r) => r.seconds)} s`,
    }),
  ];
  const cpu = (side: ColdRound[]) => side.map((r) => r.cpuSeconds).filter((value) => value !== null);
  if (cpu(ours).length === rounds && cpu(theirs).length === rounds) {
    figures.push(
      figure({
        name: `${command}, cold, CPU-s, working tree vs ${against.ref} (median of ${rounds} rounds)`,
        unit: "s",
        value: median(cpu(ours)),
        baseline: median(cpu(theirs)),
        baselineLabel: label,
        better: "lower",
        detail: `rounds: ${spread(ours, (r) => r.cpuSeconds)} vs ${spread(theirs, (r) => r.cpuSeconds)}`,
      }),
    );
  }
  const note =
    `Against ${label}: ${rounds} round(s), each side in a fresh copy installed as above and run cold, who goes ` +
    `first alternating; tasks run per round: ${spread(ours, (r) => r.tasks)} (working tree), ` +
    `${spread(theirs, (r) => r.tasks)} (${against.ref}). The test suites differ: each side runs its own.`;
  return { figures, note, rounds: results };
}

/** The commit as given, with its short hash when it was named otherwise (a branch, a tag, HEAD~3). */
function commitLabel({ ref, commit }: AgainstCommit): string {
  return commit.startsWith(ref) ? ref : `${ref} (${commit.slice(0, 7)})`;
}
