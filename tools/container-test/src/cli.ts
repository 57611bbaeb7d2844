#!/usr/bin/env node
// The container test: pnpm test:container [service] (see --help).
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { detectEngine, type RunningContainer } from "@repo/container";
import { type CliIo, EXIT, onInterrupt, processIo, progressLog, runTool } from "@repo/devkit/cli";
import { workspaceRoot } from "@repo/service-contract";
import { type CliOptions, HELP, parseCliArgs } from "./args.ts";
import { ContainerTestFailure, runContainerTest } from "./container-test.ts";
import { formatFailure, formatReport, reportJson } from "./report.ts";

async function containerTest(options: CliOptions, io: CliIo): Promise<number> {
  const log = progressLog(io);
  // Ctrl-C or a CI timeout: remove the container before leaving, so no service keeps running.
  let running: RunningContainer | undefined;
  onInterrupt((signal) => {
    io.stderr(`\ncontainer test: ${signal}, removing the container\n`);
    void (running?.remove() ?? Promise.resolve()).finally(() => process.exit(EXIT.interrupted));
  });

  try {
    const engine = await detectEngine(options.engine);
    const result = await runContainerTest({
      repoRoot: workspaceRoot(io.cwd),
      service: options.service,
      engine,
      baseImage: options.baseImage,
      tag: options.tag,
      buildArgs: options.buildArgs,
      healthTimeoutMs: options.healthTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs,
      log,
      onOutput: (line) => io.stderr(`  | ${line}\n`),
      onContainer: (container) => {
        running = container;
      },
    });
    log("container removed");
    io.stdout(`${formatReport(result)}\n`);
    if (options.jsonFile) {
      const file = path.resolve(io.cwd, options.jsonFile);
      writeFileSync(`${file}.tmp`, reportJson(result));
      renameSync(`${file}.tmp`, file);
      log(`measurements written to ${file}`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ContainerTestFailure) {
      io.stderr(`${formatFailure(error.message, error.logs)}\n`);
    } else {
      // Manifest errors name the file and field; engine errors carry the engine's last output lines.
      io.stderr(`${formatFailure(error instanceof Error ? error.message : String(error))}\n`);
    }
    return EXIT.failure;
  }
}

process.exitCode = await runTool(
  { name: "container test", help: HELP, parse: parseCliArgs, run: containerTest },
  process.argv.slice(2),
  processIo(),
);
