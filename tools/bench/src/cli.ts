#!/usr/bin/env node
// pnpm bench [part ...] [--smoke] — see --help.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "@repo/container-tools";
import { loadServiceManifest } from "@repo/service-contract";
import { HELP, parseCliArgs, UsageError } from "./args.ts";
import { Cleanup } from "./cleanup.ts";
import { type BenchContext, tempDirFactory } from "./context.ts";
import { describeMachine } from "./machine.ts";
import type { BenchReport, PartResult } from "./model.ts";
import { renderTextTable } from "./report.ts";
import { PARTS, runPart, sortForTable, writeReport } from "./suite.ts";

async function main(): Promise<number> {
  // The repository this bench belongs to, wherever it is started from.
  const repoRoot = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env, repoRoot);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\nRun with --help for usage.\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { options } = parsed;

  const started = performance.now();
  let current = "bench";
  const progress = (message: string) =>
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${current}: ${message}\n`);

  // Ctrl-C: stop what this run started, restore what it changed, remove its temporary folders, then leave.
  const cleanup = new Cleanup();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  let manifest: BenchContext["manifest"];
  try {
    manifest = loadServiceManifest(path.join(repoRoot, "apps", options.service, "service.json"));
  } catch (error) {
    process.stderr.write(`bench: --service ${options.service}: ${(error as Error).message}\n`);
    return 2;
  }

  const ctx: BenchContext = {
    repoRoot,
    options,
    manifest,
    cleanup,
    progress,
    makeTempDir: tempDirFactory(cleanup, options.keepTemp, progress),
  };

  const machine = await describeMachine(options.engine);
  const results: PartResult[] = [];
  try {
    for (const id of options.parts) {
      const part = PARTS[id];
      current = `${part.number} ${id}`;
      progress(part.title);
      results.push(await runPart(part, ctx));
      // Each part leaves nothing running or on disk for the next one.
      const failures = await cleanup.runAll();
      for (const failure of failures) progress(`cleanup failed: ${failure}`);
    }
  } finally {
    await cleanup.runAll();
  }
  current = "bench";

  const report: BenchReport = {
    schema: "bench-report/1",
    date: new Date().toISOString(),
    mode: options.smoke ? "smoke" : "full",
    command: ["pnpm bench", ...process.argv.slice(2)].join(" "),
    machine,
    parts: sortForTable(results),
  };
  process.stdout.write(`\n${renderTextTable(report)}\n`);
  if (options.outDir) {
    const written = writeReport(report, options.outDir, repoRoot);
    progress(`wrote ${written.markdown} and ${written.json}`);
  } else {
    progress("nothing written (a smoke run or a subset of parts; --out <dir> writes the files)");
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return results.some((result) => result.status === "failed") ? 1 : 0;
}

process.exitCode = await main();
