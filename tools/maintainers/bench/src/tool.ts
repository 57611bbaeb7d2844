// pnpm bench as a tool: its command line, and the run of the parts it names (src/cli.ts runs it; the tests too).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIo, EXIT, onInterrupt, type Tool, UsageError } from "@repo/devkit/cli";
import { loadServiceManifest, workspaceRoot } from "@repo/service-contract";
import { HELP, parseCliArgs } from "./args.ts";
import { Cleanup } from "./cleanup.ts";
import { type BenchContext, type BenchOptions, tempDirFactory } from "./context.ts";
import { describeMachine } from "./machine.ts";
import type { BenchReport, PartResult } from "./model.ts";
import { renderTextTable } from "./report.ts";
import { PARTS, runPart, sortForTable, writeReport } from "./suite.ts";

// The repository this bench belongs to, wherever it is started from.
const repoRoot = workspaceRoot(fileURLToPath(import.meta.url));

async function bench(options: BenchOptions, io: CliIo): Promise<number> {
  let manifest: BenchContext["manifest"];
  try {
    manifest = loadServiceManifest(path.join(repoRoot, "apps", options.service, "service.json"));
  } catch (error) {
    throw new UsageError(`--service ${options.service}: ${(error as Error).message}`);
  }

  const started = performance.now();
  let current = "bench";
  const progress = (message: string) =>
    io.stderr(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${current}: ${message}\n`);

  // Ctrl-C: stop what this run started, restore what it changed, remove its temporary folders, then leave.
  const cleanup = new Cleanup();
  onInterrupt((signal) => {
    io.stderr(`\nbench: ${signal}, cleaning up\n`);
    void cleanup.runAll().finally(() => process.exit(EXIT.interrupted));
  });

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
  io.stdout(`\n${renderTextTable(report)}\n`);
  if (options.outDir) {
    const written = writeReport(report, options.outDir, repoRoot);
    progress(`wrote ${written.markdown} and ${written.json}`);
  } else {
    progress("nothing written (a smoke run or a subset of parts; --out <dir> writes the files)");
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return results.some((result) => result.status === "failed") ? EXIT.failure : EXIT.ok;
}

export const benchTool: Tool<BenchOptions> = {
  name: "bench",
  help: HELP,
  parse: (argv, env) => parseCliArgs(argv, env, repoRoot),
  run: bench,
};
