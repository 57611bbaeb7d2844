import { type EngineChoice, engineChoice } from "@repo/container";
import * as cli from "@repo/devkit/cli";
import { isKebabCase } from "@repo/service-contract/naming";

export const HELP = `Usage: pnpm test:container [service] [options]

Builds apps/<service>/Dockerfile from the repository root, runs the image and checks it:
GET <healthCheckPath> answers 200, the main process is node and not root, and SIGTERM makes it
exit 0 within the service's stopTimeoutSeconds. Prints the image size, the size the service adds
on top of its base image, the build time and the start-to-healthy time. Exits non-zero on any failure.

Arguments:
  service                  folder under apps/ (default: sample-service)

Options:
  --engine <name>          auto | docker | buildah (env CONTAINER_ENGINE; default auto:
                           Docker when \`docker info\` succeeds, buildah otherwise)
  --base-image <image>     base image for every stage (the Dockerfile's NODE_IMAGE; env NODE_IMAGE;
                           default: the Dockerfile's own default)
  --tag <image>            name for the built image (default localhost/<service>:container-test)
  --build-arg <KEY=VALUE>  extra build argument, repeatable (e.g. NPM_CONFIG_REGISTRY=<mirror>)
  --health-timeout <s>     seconds to wait for the health check (default 60)
  --stop-timeout <s>       seconds the service may take to exit after SIGTERM
                           (default: service.json's stopTimeoutSeconds)
  --json <file>            also write the measurements as JSON to <file>
  -h, --help               show this help

Environment:
  BUILDAH_ISOLATION        buildah isolation (default chroot: works as root without cgroup setup)
  STORAGE_DRIVER           buildah storage driver (buildah's own setting; keep it the same across builds)
`;

export interface CliOptions {
  service: string;
  engine: EngineChoice;
  baseImage: string | undefined;
  tag: string;
  buildArgs: Record<string, string>;
  healthTimeoutMs: number;
  /** Undefined: take service.json's stopTimeoutSeconds. */
  stopTimeoutMs: number | undefined;
  jsonFile: string | undefined;
}

export type ParsedArgs = cli.Parsed<CliOptions>;

/** Build arguments this tool sets itself, each from its own source. */
const MANAGED_BUILD_ARGS: Readonly<Record<string, string>> = {
  SERVICE: "the service argument",
  PORT: "service.json's port",
  NODE_IMAGE: "--base-image",
};

const FLAGS = {
  ...cli.valueFlags("engine", "base-image", "tag", "health-timeout", "stop-timeout", "json"),
  "build-arg": { type: "string", multiple: true },
  ...cli.HELP_FLAG,
} as const;

export function parseCliArgs(argv: readonly string[], env: cli.Env = {}): ParsedArgs {
  const { values, positionals } = cli.parseFlags(argv, FLAGS, { positionals: true });
  if (values.help) return { help: true };

  if (positionals.length > 1) throw new cli.UsageError(`expected at most one service, got: ${positionals.join(" ")}`);
  const service = positionals[0] ?? "sample-service";
  if (!isKebabCase(service)) {
    throw new cli.UsageError(`service "${service}" is not a service name (lowercase kebab-case, a folder under apps/)`);
  }

  const engine = engineChoice(values.engine, env);

  const baseImage = cli.flagValue(values["base-image"], "--base-image") ?? cli.envValue(env, "NODE_IMAGE");

  return {
    help: false,
    options: {
      service,
      engine,
      baseImage,
      tag: cli.flagValue(values.tag, "--tag") ?? `localhost/${service}:container-test`,
      buildArgs: parseBuildArgs(values["build-arg"] ?? []),
      healthTimeoutMs: secondsToMs(values["health-timeout"], "--health-timeout") ?? 60_000,
      stopTimeoutMs: secondsToMs(values["stop-timeout"], "--stop-timeout"),
      jsonFile: cli.flagValue(values.json, "--json"),
    },
  };
}

function parseBuildArgs(pairs: readonly string[]): Record<string, string> {
  const buildArgs: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match?.[1]) throw new cli.UsageError(`--build-arg "${pair}": expected KEY=VALUE`);
    const managedBy = MANAGED_BUILD_ARGS[match[1]];
    if (managedBy) throw new cli.UsageError(`--build-arg ${match[1]}: set by this tool from ${managedBy}`);
    buildArgs[match[1]] = match[2] ?? "";
  }
  return buildArgs;
}

function secondsToMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new cli.UsageError(`${flag}: "${value}" is not a positive number of seconds`);
  }
  return Math.round(seconds * 1000);
}
