import { ENV_FALLBACKS as BUILD_STAGE_ENV } from "@repo/create-new-task-def";
import * as cli from "@repo/devkit/cli";
import { DEPLOY_VARIABLES } from "@repo/service-contract/deploy-stage";
import { UsageError } from "./errors.ts";

export type Env = cli.Env;

/** What ECS does with a deployment of ours that is still running when the timeout comes. */
export const ON_TIMEOUT = ["rollback", "leave"] as const;
export type OnTimeout = (typeof ON_TIMEOUT)[number];

export interface DeployOptions {
  cluster: string;
  service: string;
  /** The container whose `<IMAGE1_NAME>` placeholder receives imageDetail.json's ImageURI. */
  container: string;
  /** Folder holding the Build stage's taskdef.json and imageDetail.json. */
  artifacts: string;
  /** How long to follow the deployment, from the start of the run. */
  timeoutMs: number;
  /** Time between two DescribeServiceDeployments calls. */
  pollIntervalMs: number;
  onTimeout: OnTimeout;
}

export type Invocation = cli.Invocation<DeployOptions>;

/**
 * Flag name -> the environment variable read when the flag is absent. The container and the artifacts folder use the
 * Build stage's variable names, so one CodeBuild setting means the same thing in both stages.
 */
export const ENV_FALLBACKS = {
  cluster: DEPLOY_VARIABLES.cluster,
  service: DEPLOY_VARIABLES.service,
  container: DEPLOY_VARIABLES.container,
  artifacts: BUILD_STAGE_ENV.out,
  timeout: DEPLOY_VARIABLES.timeoutMinutes,
  "poll-interval": "POLL_INTERVAL_SECONDS",
  "on-timeout": "ON_TIMEOUT",
} as const;

export const DEFAULTS = {
  artifacts: ".",
  timeoutMinutes: 60,
  pollIntervalSeconds: 15,
  onTimeout: "rollback" satisfies OnTimeout,
} as const;

const CLI_OPTIONS = cli.valueFlags(
  "cluster",
  "service",
  "container",
  "artifacts",
  "timeout",
  "poll-interval",
  "on-timeout",
);

/** Every long flag the CLI accepts (the buildspec test checks its invocation against this). */
export const CLI_FLAGS = cli.resultFlagNames({ flags: CLI_OPTIONS });

export function parseCommandLine(argv: readonly string[], env: Env): Invocation {
  return cli.readInvocation(argv, env, { flags: CLI_OPTIONS, fallbacks: ENV_FALLBACKS, UsageError }, deployOptions);
}

function deployOptions(setting: (flag: keyof typeof ENV_FALLBACKS) => string | undefined): DeployOptions {
  const source = (flag: keyof typeof ENV_FALLBACKS) => `--${flag} / ${ENV_FALLBACKS[flag]}`;
  const required = { cluster: setting("cluster"), service: setting("service"), container: setting("container") };
  const missing = (Object.keys(required) as (keyof typeof required)[]).filter((flag) => required[flag] === undefined);
  if (missing.length > 0) throw new UsageError(`missing required settings: ${missing.map(source).join(", ")}`);

  const onTimeout = setting("on-timeout") ?? DEFAULTS.onTimeout;
  if (!(ON_TIMEOUT as readonly string[]).includes(onTimeout)) {
    throw new UsageError(
      `${source("on-timeout")} must be one of ${ON_TIMEOUT.join(", ")}, got ${JSON.stringify(onTimeout)}`,
    );
  }
  return {
    cluster: required.cluster as string,
    service: required.service as string,
    container: required.container as string,
    artifacts: setting("artifacts") ?? DEFAULTS.artifacts,
    timeoutMs: parseDuration(setting("timeout"), DEFAULTS.timeoutMinutes, source("timeout"), "minutes") * 60_000,
    pollIntervalMs:
      parseDuration(setting("poll-interval"), DEFAULTS.pollIntervalSeconds, source("poll-interval"), "seconds") * 1000,
    onTimeout: onTimeout as OnTimeout,
  };
}

/** A positive decimal number (fractions allowed, so tests can poll every few milliseconds). */
function parseDuration(text: string | undefined, fallback: number, source: string, unit: string): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0)) throw new UsageError(`${source} must be a positive number of ${unit}, got ${JSON.stringify(text)}`);
  return value;
}
