#!/usr/bin/env node
// pnpm rehearse <service>: the Build stage, run locally from buildspec.yml itself (see --help and ../README.md).
import path from "node:path";
import { findRepoRoot } from "@repo/container-tools";
import { HELP, parseCliArgs, UsageError } from "./args.ts";
import { BuildFailure, rehearse } from "./rehearsal.ts";
import { formatBuildEvent, formatBuildFailure, formatSummary } from "./report.ts";

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`rehearse: ${error.message}\nRun with --help for usage.\n`);
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
  const log = (message: string) =>
    process.stderr.write(`==> [${((performance.now() - started) / 1000).toFixed(1)} s] ${message}\n`);

  // Ctrl-C or a CI timeout: the running command's process group is stopped, the registry stopped, temp removed.
  const abort = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nrehearse: ${signal}, stopping the build\n`);
    abort.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);

  let repoRoot: string;
  try {
    repoRoot = findRepoRoot();
  } catch (error) {
    process.stderr.write(`rehearse: ${(error as Error).message}\n`);
    return 2;
  }
  const artifactsDir = path.resolve(
    options.out ?? path.join(repoRoot, ".artifacts", "rehearsal", options.service ?? "<service>"),
  );
  try {
    const result = await rehearse({
      repoRoot,
      service: options.service,
      engine: options.engine,
      baseImage: options.baseImage,
      registry: options.registry,
      out: options.out,
      keepRegistry: options.keepRegistry,
      region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION,
      hostEnv: process.env,
      log,
      onBuildEvent: (event) => {
        const line = formatBuildEvent(event);
        if (line !== undefined) process.stderr.write(`${line}\n`);
      },
      signal: abort.signal,
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result, process.cwd())}\n`,
    );
    return 0;
  } catch (error) {
    if (abort.signal.aborted) {
      process.stderr.write("rehearse: interrupted; the registry was stopped and the scratch copy removed\n");
      return 130;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`rehearse: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BuildFailure) {
      process.stderr.write(`${formatBuildFailure(error, artifactsDir)}\n`);
      return 1;
    }
    process.stderr.write(`rehearse: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
