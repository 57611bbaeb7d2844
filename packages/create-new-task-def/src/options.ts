import {
  type Env,
  type Invocation as ResultInvocation,
  readInvocation,
  resultFlagNames,
  valueFlags,
} from "@repo/devkit/cli";
import { BUILD_VARIABLES } from "@repo/service-contract/build-stage";
import { UsageError } from "./errors.ts";
import { type HookFunctions, resolveHooks } from "./hooks.ts";

export type { Env };

/** What to render; every path is resolved against the working directory the caller gives. */
export interface CreateTaskDefOptions {
  /** Task definition family: read from ECS in registered mode, `${TASK_FAMILY}` in template mode. */
  family?: string;
  /** The container that runs the pipeline's image and receives the load balancer's traffic. */
  container: string;
  /** The image just built: `repo:tag` or `repo@sha256:...`. */
  image: string;
  /** Optional digest (`sha256:...`) that pins a `repo:tag` image. */
  digest?: string;
  /**
   * Container port the load balancer targets; must be one of the container's port mappings. Absent: the container's
   * only port mapping (the task definition CDK registers has exactly one).
   */
  port?: number;
  /** Template mode: path of taskdef.template.json. Absent: registered mode. */
  template?: string;
  /** Folder that receives taskdef.json, appspec.yaml and imageDetail.json. */
  out: string;
  /** The AppSpec template. */
  appspec: string;
  hooks: HookFunctions;
}

export type Mode = "registered" | "template";

export function modeOf(options: Pick<CreateTaskDefOptions, "template">): Mode {
  return options.template === undefined ? "registered" : "template";
}

export type Invocation = ResultInvocation<CreateTaskDefOptions>;

/** Flag name -> the environment variable read when the flag is absent (CodeBuild passes settings as env vars). */
export const ENV_FALLBACKS = {
  family: BUILD_VARIABLES.taskFamily,
  container: BUILD_VARIABLES.containerName,
  image: "IMAGE_URI",
  digest: "IMAGE_DIGEST",
  port: "CONTAINER_PORT",
  template: "TASKDEF_TEMPLATE",
  out: "ARTIFACTS_DIR",
  appspec: "APPSPEC_TEMPLATE",
} as const;

export const DEFAULT_OUT = ".";
export const DEFAULT_APPSPEC = "appspec.yaml";

const CLI_OPTIONS = {
  ...valueFlags("family", "container", "image", "digest", "port", "template", "out", "appspec"),
  hook: { type: "string", multiple: true },
} as const;

const COMMAND_LINE = { flags: CLI_OPTIONS, fallbacks: ENV_FALLBACKS, UsageError };

/** Every long flag the CLI accepts (the buildspec test checks its invocation against this). */
export const CLI_FLAGS = resultFlagNames(COMMAND_LINE);

export function parseCommandLine(argv: readonly string[], env: Env): Invocation {
  return readInvocation(argv, env, COMMAND_LINE, (setting, values) =>
    renderOptions(setting, (values.hook as string[] | undefined) ?? [], env),
  );
}

function renderOptions(
  setting: (flag: keyof typeof ENV_FALLBACKS) => string | undefined,
  hooks: readonly string[],
  env: Env,
): CreateTaskDefOptions {
  const template = setting("template");
  const family = setting("family");
  const container = setting("container");
  const image = setting("image");
  const portText = setting("port");

  const missing: string[] = [];
  if (template === undefined && family === undefined) {
    missing.push("--family / TASK_FAMILY (or --template / TASKDEF_TEMPLATE for template mode)");
  }
  if (container === undefined) missing.push("--container / CONTAINER_NAME");
  if (image === undefined) missing.push("--image / IMAGE_URI");
  if (missing.length > 0) throw new UsageError(`missing required settings: ${missing.join(", ")}`);

  const options: CreateTaskDefOptions = {
    container: container as string,
    image: image as string,
    out: setting("out") ?? DEFAULT_OUT,
    appspec: setting("appspec") ?? DEFAULT_APPSPEC,
    hooks: resolveHooks(hooks, env),
  };
  if (portText !== undefined) options.port = parsePort(portText);
  if (family !== undefined) options.family = family;
  if (template !== undefined) options.template = template;
  const digest = setting("digest");
  if (digest !== undefined) options.digest = digest;
  return options;
}

export function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`--port / CONTAINER_PORT must be an integer from 1 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}
