#!/usr/bin/env node
// The container test: pnpm test:container [service] (see --help).
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HELP, parseCliArgs, UsageError } from "./args.ts";
import { ContainerTestFailure, runContainerTest } from "./container-test.ts";
import { detectEngine } from "./engines/detect.ts";
import type { RunningContainer } from "./engines/types.ts";
import { formatFailure, formatReport, reportJson } from "./report.ts";
import { findRepoRoot } from "./workspace.ts";

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`container test: ${error.message}\nRun with --help for usage.\n`);
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

  // Ctrl-C or a CI timeout: remove the container before leaving, so no service keeps running.
  let running: RunningContainer | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`\ncontainer test: ${signal}, removing the container\n`);
    void (running?.remove() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);

  try {
    const repoRoot = findRepoRoot();
    const engine = await detectEngine(options.engine);
    const result = await runContainerTest({
      repoRoot,
      service: options.service,
      engine,
      baseImage: options.baseImage,
      tag: options.tag,
      buildArgs: options.buildArgs,
      healthTimeoutMs: options.healthTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs,
      log,
      onOutput: (line) => process.stderr.write(`  | ${line}\n`),
      onContainer: (container) => {
        running = container;
      },
    });
    log("container removed");
    process.stdout.write(`${formatReport(result)}\n`);
    if (options.jsonFile) {
      const file = path.resolve(options.jsonFile);
      writeFileSync(`${file}.tmp`, reportJson(result));
      renameSync(`${file}.tmp`, file);
      log(`measurements written to ${file}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ContainerTestFailure) {
      process.stderr.write(`${formatFailure(error.message, error.logs)}\n`);
    } else {
      // Manifest errors name the file and field; engine errors carry the engine's last output lines.
      process.stderr.write(`${formatFailure(error instanceof Error ? error.message : String(error))}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
