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
import { type DeployOptions, HELP, parseCliArgs, type RehearseOptions } from "./args.ts";
import { checkDeployTools, type DeployRehearsal, rehearseDeploy } from "./deploy/rehearse-deploy.ts";
import { formatDeploySummary } from "./deploy/report.ts";
import { TaskLogs } from "./deploy/task-logs.ts";
import { DEFAULT_REGION } from "./project-env.ts";
import { BuildFailure, type RehearsalResult, rehearse } from "./rehearsal.ts";
import { formatBuildEvent, formatBuildFailure, formatSummary } from "./report.ts";

async function rehearseFromCli(options: RehearseOptions, io: CliIo): Promise<number> {
  // Ctrl-C or a CI timeout: the running command's process group is stopped, the registry stopped, temp removed.
  const abort = new AbortController();
  onInterrupt((signal) => {
    io.stderr(`\nrehearse: ${signal}, stopping\n`);
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
    options.deploy?.artifacts ??
      options.out ??
      path.join(repoRoot, ".artifacts", "rehearsal", options.service ?? "<service>"),
  );
  const log = progressLog(io);
  const region = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  const deploy = options.deploy;
  const taskLogs = deploy
    ? new TaskLogs(path.join(repoRoot, ".cache", "rehearse", "deploy", options.service ?? "service"))
    : undefined;
  const playDeploy = (deployOptions: DeployOptions, from: string) =>
    rehearseDeploy({
      repoRoot,
      service: options.service,
      artifactsDir: from,
      engine: options.engine,
      blueImage: deployOptions.blueImage,
      breaks: deployOptions.breaks,
      timeScale: deployOptions.timeScale,
      load: { connections: deployOptions.connections, rate: deployOptions.rate },
      minRequests: deployOptions.minRequests,
      region,
      log,
      onTaskLine: (task, line) => taskLogs?.write(task, line),
      signal: abort.signal,
    });
  try {
    // Before a build of minutes: the Deploy rehearsal's own tools must be there.
    if (deploy) await checkDeployTools();
    let build: RehearsalResult | undefined;
    let deployed: DeployRehearsal | undefined;
    if (deploy?.artifacts !== undefined) {
      deployed = await playDeploy(deploy, artifactsDir);
    } else {
      build = await rehearse({
        repoRoot,
        service: options.service,
        engine: options.engine,
        baseImage: options.baseImage,
        registry: options.registry,
        out: options.out,
        keepRegistry: options.keepRegistry,
        region,
        hostEnv: io.env,
        log,
        onBuildEvent: (event) => {
          const line = formatBuildEvent(event);
          if (line !== undefined) io.stderr(`${line}\n`);
        },
        ...(deploy
          ? {
              whileRegistryRuns: async (result: RehearsalResult) => {
                io.stdout(options.json ? "" : `${formatSummary(result, io.cwd)}\n\n`);
                deployed = await playDeploy(deploy, result.artifactsDir);
              },
            }
          : {}),
        signal: abort.signal,
      });
    }
    await taskLogs?.close();
    abort.signal.throwIfAborted();
    if (deployed && taskLogs) log(`each task's output: ${path.relative(io.cwd, taskLogs.dir) || "."}/<task>.log`);
    if (options.json) {
      io.stdout(`${JSON.stringify(deploy ? { build, deploy: deployed } : build, null, 2)}\n`);
    } else if (deployed) {
      io.stdout(`${formatDeploySummary(deployed)}\n`);
    } else if (build) {
      io.stdout(`${formatSummary(build, io.cwd)}\n`);
    }
    return deployed?.exitCode ?? EXIT.ok;
  } catch (error) {
    await taskLogs?.close();
    if (abort.signal.aborted) {
      io.stderr(
        "rehearse: interrupted; the registry, load balancer and tasks were stopped and the scratch copy removed\n",
      );
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
