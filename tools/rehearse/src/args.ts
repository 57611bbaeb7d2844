import { parseArgs } from "node:util";
import type { EngineChoice } from "@repo/container-tools";

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

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface RehearseOptions {
  service: string | undefined;
  baseImage: string | undefined;
  registry: string | undefined;
  engine: EngineChoice;
  out: string | undefined;
  keepRegistry: boolean;
  json: boolean;
}

export type ParsedArgs = { help: true } | { help: false; options: RehearseOptions };

const ENGINES: readonly EngineChoice[] = ["auto", "docker", "buildah"];

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 1) throw new UsageError(`one service at a time (got ${positionals.join(", ")})`);
  const engine = (values.engine ?? (env.CONTAINER_ENGINE || "auto")) as EngineChoice;
  if (!ENGINES.includes(engine)) {
    throw new UsageError(`--engine ${engine}: expected ${ENGINES.join(", ")}`);
  }
  const nonEmpty = (flag: string, value: string | undefined) => {
    if (value !== undefined && value.trim() === "") throw new UsageError(`--${flag} needs a value`);
    return value;
  };
  return {
    help: false,
    options: {
      service: positionals[0],
      baseImage: nonEmpty("base-image", values["base-image"]) ?? (env.NODE_IMAGE || undefined),
      registry: nonEmpty("registry", values.registry),
      engine,
      out: nonEmpty("out", values.out),
      keepRegistry: values["keep-registry"] === true,
      json: values.json === true,
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      "base-image": { type: "string" },
      registry: { type: "string" },
      engine: { type: "string" },
      out: { type: "string" },
      "keep-registry": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
