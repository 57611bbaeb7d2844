import { type EngineChoice, engineChoice } from "@repo/container";
import * as cli from "@repo/devkit/cli";
import { BREAKS, type Break, DEPLOY_EXIT } from "./deploy/deployment.ts";

/** The Deploy rehearsal's defaults: a minute of configured waiting lasts a second; light, steady traffic. */
export const DEPLOY_DEFAULTS = { timeScale: 60, connections: 4, rate: 200, minRequests: 1000 } as const;

export const HELP = `Usage: pnpm rehearse <service> [options]

Rehearses the Build stage of <service>'s pipeline on this machine, from the same definitions CodeBuild uses:
the root buildspec.yml is executed phase by phase (install, pre_build, build, post_build) on a fresh copy of
the working tree (uncommitted files included), with the environment the service's CodeBuild project sets
(derived from apps/<service>/service.json). Only what needs AWS is stood in for: \`aws ecr get-login-password\`,
\`docker login\` / \`buildx create\` / \`buildx build --push\` (built with Docker or buildah and pushed to a local
registry on 127.0.0.1), and the global pnpm install. Then the artifacts (taskdef.json, appspec.yaml,
imageDetail.json) are checked and copied to .artifacts/rehearsal/<service>/, and the pushed manifest's digest
is compared with imageDetail.json. Exits non-zero, naming the phase and command, on any failure.

With --deploy (or --artifacts), the Deploy stage is played next, as the service's engine (service.json:
deployment.engine) runs it: the stacks are synthesized to read the target groups' health checks and
deregistration delay, the listeners, the deployment configuration and the test-traffic hook; a blue task set (the
image in production) and the green one (taskdef.json with imageDetail.json's image) run as the task definition
says; HAProxy on 127.0.0.1 is the load balancer; the hook's bundled code runs against the test listener; traffic
shifts as configured (waits divided by --time-scale); blue is drained and stopped. A load generator sends requests
throughout; any failed request fails the rehearsal. --break shows a rollback.

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

Deploy options:
  --deploy                 after the build, play the Deploy stage from its artifacts (see above)
  --artifacts <dir>        skip the build: play the Deploy stage from this folder's taskdef.json, appspec.yaml and
                           imageDetail.json (implies --deploy); the image must be in the engine's storage or its
                           registry must answer
  --break <what>           make the deployment fail and roll back: health (the green tasks serve their health
                           check elsewhere, HEALTH_CHECK_PATH changed, so the target group's check gets 404) or
                           smoke-test (the hook checks a path green does not serve)
  --time-scale <factor>    divide every configured wait (shift intervals, bake / termination wait, ECS's hook
                           callBackDelay) by it (default ${DEPLOY_DEFAULTS.timeScale}: a minute lasts a second); health checks,
                           deregistration delay and stop timeout run in real time
  --blue-image <image>     the image blue (production) runs (default: the new image)
  --connections <n>        load generator keep-alive connections (default ${DEPLOY_DEFAULTS.connections})
  --rate <n>               load generator requests per second (default ${DEPLOY_DEFAULTS.rate})
  --min-requests <n>       fewer requests during the deployment fail the verdict (default ${DEPLOY_DEFAULTS.minRequests})

Exit codes:
  0    the rehearsal succeeded (with --deploy: deployed, no request failed)
  1    the rehearsal failed (a build phase, a check, a tool, blue never healthy)
  2    usage error
  ${DEPLOY_EXIT.healthChecks}    rolled back: the green tasks did not pass their target group's health checks
  ${DEPLOY_EXIT.testTrafficHook}    rolled back: the test-traffic hook (smoke test) failed
  ${DEPLOY_EXIT.traffic}    requests failed during the deployment (or fewer than --min-requests were sent)
  130  interrupted

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
  deploy: DeployOptions | undefined;
}

export interface DeployOptions {
  /** undefined: after the build, from its artifacts. */
  artifacts: string | undefined;
  breaks: Break | undefined;
  timeScale: number;
  blueImage: string | undefined;
  connections: number;
  rate: number;
  minRequests: number;
}

export type ParsedArgs = cli.Parsed<RehearseOptions>;

const FLAGS = {
  ...cli.valueFlags("base-image", "registry", "engine", "out"),
  ...cli.switchFlags("keep-registry", "json", "deploy"),
  ...cli.valueFlags("artifacts", "break", "time-scale", "blue-image", "connections", "rate", "min-requests"),
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
      deploy: deployOptions(values),
    },
  };
}

type FlagValues = ReturnType<typeof cli.parseFlags<typeof FLAGS>>["values"];

function deployOptions(values: FlagValues): DeployOptions | undefined {
  const artifacts = cli.flagValue(values.artifacts, "--artifacts");
  const deploy = values.deploy === true || artifacts !== undefined;
  const deployOnly = ["break", "time-scale", "blue-image", "connections", "rate", "min-requests"] as const;
  if (!deploy) {
    const given = deployOnly.find((flag) => values[flag] !== undefined);
    if (given) throw new cli.UsageError(`--${given} needs --deploy (or --artifacts)`);
    return undefined;
  }
  const breaks = cli.flagValue(values.break, "--break");
  if (breaks !== undefined && !(BREAKS as readonly string[]).includes(breaks)) {
    throw new cli.UsageError(`--break: "${breaks}" is not one of ${BREAKS.join(", ")}`);
  }
  return {
    artifacts,
    breaks: breaks as Break | undefined,
    timeScale: positiveNumber(values["time-scale"], "--time-scale", DEPLOY_DEFAULTS.timeScale, false),
    blueImage: cli.flagValue(values["blue-image"], "--blue-image"),
    connections: positiveNumber(values.connections, "--connections", DEPLOY_DEFAULTS.connections, true),
    rate: positiveNumber(values.rate, "--rate", DEPLOY_DEFAULTS.rate, false),
    minRequests: positiveNumber(values["min-requests"], "--min-requests", DEPLOY_DEFAULTS.minRequests, true, 0),
  };
}

function positiveNumber(
  text: string | undefined,
  flag: string,
  fallback: number,
  integer: boolean,
  min = Number.MIN_VALUE,
) {
  const value = cli.flagValue(text, flag);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || (integer && !Number.isInteger(number))) {
    const bound = min === Number.MIN_VALUE ? "above 0" : `of at least ${min}`;
    throw new cli.UsageError(`${flag}: "${value}" is not ${integer ? "a whole number" : "a number"} ${bound}`);
  }
  return number;
}
