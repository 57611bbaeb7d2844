import { appendFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { copyProjectFiles } from "@repo/devkit/files";
import { stripAnsi } from "@repo/devkit/process";
import { endedChildrenCpuSeconds } from "../children-cpu.ts";
import type { BenchContext, BenchPart } from "../context.ts";
import { type Figure, figure } from "../model.ts";
import { runChecked, runCommand } from "../processes.ts";
import { round } from "../stats.ts";
import { newestRunSummary, type TaskOutcome, tasksAffectedBy, taskTimes } from "../turbo-summary.ts";

/** What runs three times (pnpm arguments): the README's test command; smoke: the service's type check alone. */
function commandArgs(smoke: boolean, service: string): string[] {
  return smoke ? ["exec", "turbo", "run", "check-types", `--filter=@repo/${service}`] : ["test"];
}

interface TurboRun {
  label: string;
  ms: number;
  tasks: TaskOutcome[];
}

/** The environment of a turbo run in the copy: nothing inherited from a turbo run this bench may be inside. */
function turboEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("TURBO_") && !key.startsWith("npm_")) env[key] = value;
  }
  return { ...env, TURBO_TELEMETRY_DISABLED: "1", TURBO_RUN_SUMMARY: "true", NO_COLOR: "1", FORCE_COLOR: "0" };
}

async function timedRun(ctx: BenchContext, copy: string, args: string[], label: string): Promise<TurboRun> {
  const command = `pnpm ${args.join(" ")}`;
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
      `\`${command}\` (${label}) does not pass on the working tree as it is now (${failed}); these figures ` +
        `need a green run:\n  ${tail}`,
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
    ctx.progress(`copying the repository to ${copy} (no node_modules, no caches)`);
    copyProjectFiles(ctx.repoRoot, copy);
    // A repository of its own with every file in its index, as a clone has them: Biome reads .gitignore through
    // it, and turbo hashes through git (with an empty index it hashed the task logs under .turbo/ as inputs, so
    // nothing was ever cached). Nothing is committed; the copy is deleted afterwards.
    await runChecked("git", ["init", "--quiet"], { cwd: copy });
    await runChecked("git", ["add", "--all"], { cwd: copy });
    ctx.progress("pnpm install --offline --frozen-lockfile (from the local store)");
    const install = await runCommand("pnpm", ["install", "--offline", "--frozen-lockfile"], {
      cwd: copy,
      env: turboEnv(),
      cleanup: ctx.cleanup,
    });
    if (install.exitCode !== 0) {
      ctx.progress("offline install failed (a package missing from the store): installing with --prefer-offline");
      await runChecked("pnpm", ["install", "--prefer-offline", "--frozen-lockfile"], {
        cwd: copy,
        env: turboEnv(),
        cleanup: ctx.cleanup,
      });
    }

    const command = `pnpm ${args.join(" ")}`;
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
    return { figures, notes, raw: { command, runs: [cold, cached, touched] } };
  },
};
