import { type EngineChoice, engineChoice } from "@repo/container";
import * as cli from "@repo/devkit/cli";

export const HELP = `Usage: pnpm rehearse <service> [options]

Rehearses the Build stage of <service>'s pipeline on this machine, from the same definitions CodeBuild uses:
the root buildspec.yml is executed phase by phase (install, pre_build, build, post_build) on a fresh copy of
the working tree (uncommitted files included), with the environment the service's CodeBuild project sets
(derived from apps/<service>/service.json). Only what needs AWS is stood in for: \`aws ecr get-login-password\`,
\`docker login\` / \`buildx create\` / \`buildx build --push\` (built with Docker or buildah and pushed to a local
registry on 127.0.0.1), and the global pnpm install. Then the artifacts (taskdef.json, appspec.yaml,
imageDetail.json) are checked and copied to .artifacts/rehearsal/<service>/, and the pushed manifest's digest
is compared with imageDetail.json. Exits non-zero, naming the phase and command, on any failure.

Arguments:
  service                  folder under apps/ (apps/<service>/service.json)

Options:
  --base-image <image>     NODE_IMAGE for the build (env NODE_IMAGE; default: the Dockerfile's own default)
  --registry <host:port>   push to this registry on loopback instead of starting docker-registry
  --engine <name>          auto | docker | buildah (env CONTAINER_ENGINE; default auto: Docker when
                           \`docker info\` succeeds, buildah otherwise)
  --out <dir>              artifact folder (default: .artifacts/rehearsal/<service>); replaced as a whole
  --keep-registry          leave the started registry running afterwards (its address and pid are printed)
  --json                   print the summary as one JSON object on stdout (progress stays on stderr)
  -h, --help               show this help

Environment:
  AWS_REGION               region written into the task definition (default us-east-1); no AWS call is made
  BUILDAH_ISOLATION, STORAGE_DRIVER   buildah settings, passed through to the build
`;

export interface RehearseOptions {
  service: string | undefined;
  baseImage: string | undefined;
  registry: string | undefined;
  engine: EngineChoice;
  out: string | undefined;
  keepRegistry: boolean;
  json: boolean;
}

export type ParsedArgs = cli.Parsed<RehearseOptions>;

const FLAGS = {
  ...cli.valueFlags("base-image", "registry", "engine", "out"),
  ...cli.switchFlags("keep-registry", "json"),
  ...cli.HELP_FLAG,
} as const;

export function parseCliArgs(argv: readonly string[], env: cli.Env): ParsedArgs {
  const { values, positionals } = cli.parseFlags(argv, FLAGS, { positionals: true });
  if (values.help) return { help: true };
  if (positionals.length > 1) throw new cli.UsageError(`one service at a time (got ${positionals.join(", ")})`);
  return {
    help: false,
    options: {
      service: positionals[0],
      baseImage: cli.flagValue(values["base-image"], "--base-image") ?? cli.envValue(env, "NODE_IMAGE"),
      registry: cli.flagValue(values.registry, "--registry"),
      engine: engineChoice(values.engine, env),
      out: cli.flagValue(values.out, "--out"),
      keepRegistry: values["keep-registry"] === true,
      json: values.json === true,
    },
  };
}
