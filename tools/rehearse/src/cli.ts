#!/usr/bin/env node
// pnpm rehearse <service>: the Build stage, run locally from buildspec.yml itself (see --help and ../README.md).
import path from "node:path";
import {
  type CliIo,
  EXIT,
  isUsageError,
  onInterrupt,
  processIo,
  progressLog,
  runTool,
  UsageError,
} from "@repo/devkit/cli";
import { workspaceRoot } from "@repo/service-contract";
import { HELP, parseCliArgs, type RehearseOptions } from "./args.ts";
import { BuildFailure, rehearse } from "./rehearsal.ts";
import { formatBuildEvent, formatBuildFailure, formatSummary } from "./report.ts";

async function rehearseFromCli(options: RehearseOptions, io: CliIo): Promise<number> {
  // Ctrl-C or a CI timeout: the running command's process group is stopped, the registry stopped, temp removed.
  const abort = new AbortController();
  onInterrupt((signal) => {
    io.stderr(`\nrehearse: ${signal}, stopping the build\n`);
    abort.abort(new Error(`interrupted by ${signal}`));
  });

  let repoRoot: string;
  try {
    repoRoot = workspaceRoot(io.cwd);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const artifactsDir = path.resolve(
    io.cwd,
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
      region: io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION,
      hostEnv: io.env,
      log: progressLog(io),
      onBuildEvent: (event) => {
        const line = formatBuildEvent(event);
        if (line !== undefined) io.stderr(`${line}\n`);
      },
      signal: abort.signal,
    });
    io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result, io.cwd)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (abort.signal.aborted) {
      io.stderr("rehearse: interrupted; the registry was stopped and the scratch copy removed\n");
      return EXIT.interrupted;
    }
    if (isUsageError(error)) throw error;
    if (error instanceof BuildFailure) {
      io.stderr(`${formatBuildFailure(error, artifactsDir)}\n`);
      return EXIT.failure;
    }
    io.stderr(`rehearse: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

process.exitCode = await runTool(
  { name: "rehearse", help: HELP, parse: parseCliArgs, run: rehearseFromCli },
  process.argv.slice(2),
  processIo(),
);
