import { readFileSync } from "node:fs";
import path from "node:path";
import { type ServiceManifest, shutdownGraceMs } from "@repo/service-manifest";
import { SHIM_ENV } from "./shims/runtime.ts";

/** The account every dummy ARN and the ECR login name: no real account is ever addressed. */
export const DUMMY_ACCOUNT_ID = "000000000000";
export const DEFAULT_REGION = "us-east-1";
/** The AppSpec hook infra names the AfterAllowTestTraffic function with (infra/lib/constructs/test-traffic-hook.ts). */
export const HOOK_FUNCTION_PREFIX = "CodeDeployHook_";

/**
 * The task definition family infra registers: `<projectName>-<service>` (infra/lib/stacks/service-stack.ts), the
 * project name read from infra/deployment.config.json; the service name alone when there is no infra config.
 */
export function taskFamily(repoRoot: string, service: string): string {
  const configFile = path.join(repoRoot, "infra", "deployment.config.json");
  let text: string;
  try {
    text = readFileSync(configFile, "utf8");
  } catch {
    return service;
  }
  let projectName: unknown;
  try {
    projectName = (JSON.parse(text) as { projectName?: unknown }).projectName;
  } catch (error) {
    throw new Error(`${configFile}: not valid JSON (${(error as Error).message})`);
  }
  if (projectName === undefined) return service;
  if (typeof projectName !== "string" || projectName === "") {
    throw new Error(`${configFile}: projectName must be a non-empty string`);
  }
  return `${projectName}-${service}`;
}

export { shutdownGraceMs };

export interface ProjectEnvironmentInput {
  manifest: ServiceManifest;
  /** The service's folder relative to the repository root (apps/<service>). */
  serviceDir: string;
  family: string;
  /** The local registry, host:port. */
  registry: string;
  commit: string;
  /** The scratch copy: CODEBUILD_SRC_DIR. */
  sourceDir: string;
  region: string;
  buildId: string;
  /** NODE_IMAGE for the build (--base-image / NODE_IMAGE); unset: the Dockerfile's default. */
  nodeImage: string | undefined;
}

/**
 * The CodeBuild project's environment as infra sets it for one service (buildEnvironment in
 * infra/lib/constructs/service-build-project.ts; the variables buildspec.yml documents),
 * with the local registry in place of ECR, plus what CodeBuild itself sets and the template-mode variables that
 * make create-new-task-def render taskdef.template.json instead of reading ECS.
 */
export function projectEnvironment(input: ProjectEnvironmentInput): Record<string, string> {
  const { manifest, family } = input;
  const env: Record<string, string> = {
    SERVICE_NAME: manifest.name,
    DOCKERFILE: `${input.serviceDir}/Dockerfile`,
    REPOSITORY_URI: `${input.registry}/${manifest.name}`,
    // The BuildKit cache's own repository; the local engine keeps its own cache, so nothing is pushed there.
    CACHE_REPOSITORY_URI: `${input.registry}/${manifest.name}-cache`,
    TASK_FAMILY: family,
    CONTAINER_NAME: manifest.name,
    CONTAINER_PORT: String(manifest.port),
    AWS_ACCOUNT_ID: DUMMY_ACCOUNT_ID,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    // Set by CodeBuild itself.
    CODEBUILD_SRC_DIR: input.sourceDir,
    CODEBUILD_RESOLVED_SOURCE_VERSION: input.commit,
    CODEBUILD_SOURCE_VERSION: input.commit,
    CODEBUILD_BUILD_ID: input.buildId,
    CODEBUILD_CI: "true",
    CODEBUILD_INITIATOR: "rehearse",
    // Template mode for the Deploy artifacts (no ECS to read the family from): the template's variables.
    TASKDEF_TEMPLATE: "taskdef.template.json",
    EXECUTION_ROLE_ARN: `arn:aws:iam::${DUMMY_ACCOUNT_ID}:role/${family}-execution`,
    TASK_ROLE_ARN: `arn:aws:iam::${DUMMY_ACCOUNT_ID}:role/${family}-task`,
    LOG_GROUP: `/rehearse/${family}`,
    CPU: String(manifest.cpu),
    MEMORY: String(manifest.memory),
    STOP_TIMEOUT: String(manifest.stopTimeoutSeconds),
    SHUTDOWN_GRACE_MS: String(shutdownGraceMs(manifest.stopTimeoutSeconds)),
    // A safety net, not CodeBuild's: an AWS SDK call that slipped through would go to a closed loopback port
    // instead of AWS, and never to the instance metadata service.
    AWS_ENDPOINT_URL: "http://127.0.0.1:1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  if (manifest.deployment.testTrafficHook) {
    env.HOOK_AFTER_ALLOW_TEST_TRAFFIC = `${HOOK_FUNCTION_PREFIX}${family}`;
  }
  if (input.nodeImage) env.NODE_IMAGE = input.nodeImage;
  return env;
}

/** Host variables a build machine legitimately has (tools, locale, proxies, CA bundles, engine settings). */
const HOST_VARIABLES = [
  /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|TERM|TZ|TMPDIR)$/,
  /^LC_[A-Z]+$/,
  /^(http_proxy|https_proxy|no_proxy|all_proxy|HTTP_PROXY|HTTPS_PROXY|NO_PROXY|ALL_PROXY)$/,
  /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/,
  // npm/pnpm settings (registry, proxy, CA), except what `pnpm rehearse` itself injects into its script's environment.
  /^(npm_config|NPM_CONFIG)_(?!(user_agent|verify_deps_before_run)$)/i,
  /^(PNPM_HOME|XDG_[A-Z_]+)$/,
  /^(BUILDAH_[A-Z_]+|STORAGE_DRIVER|STORAGE_OPTS|CONTAINERS_[A-Z_]+|REGISTRIES_CONFIG_PATH)$/,
  /^(DOCKER_HOST|DOCKER_CONFIG|DOCKER_CERT_PATH|DOCKER_TLS_VERIFY|DOCKER_CONTEXT)$/,
];

/**
 * The build image's environment, from this machine's: only what a clean build machine would have. The
 * developer's AWS_* credentials and profile, and anything the buildspec reads as a setting (DOCKERFILE,
 * ARTIFACTS_DIR, IMAGE_TAG ...), stay out, so the rehearsal runs with exactly what the project sets.
 * PATH gets the shims' folder first (the shims find the real tools through REHEARSE_REAL_PATH) and loses the
 * node_modules/.bin folders `pnpm rehearse` itself put there: a build machine has none of them.
 */
export function imageEnvironment(
  host: Readonly<Record<string, string | undefined>>,
  shims: { binDir: string; engine: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && HOST_VARIABLES.some((pattern) => pattern.test(name))) env[name] = value;
  }
  const realPath = (host.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && path.resolve(dir) !== path.resolve(shims.binDir))
    .filter((dir) => !/(^|\/)node_modules\/\.bin\/?$|node-gyp-bin\/?$/.test(dir))
    .join(path.delimiter);
  env.PATH = `${shims.binDir}${path.delimiter}${realPath}`;
  env[SHIM_ENV.realPath] = realPath;
  env[SHIM_ENV.engine] = shims.engine;
  return env;
}
