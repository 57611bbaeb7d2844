import path from "node:path";
import {
  buildStageVariables,
  type DiscoveredService,
  loadRepositoryDeploymentConfig,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  type ServiceNames,
  serviceNames,
  taskDefinitionTemplateVariables,
} from "@repo/service-contract";
import { SHIM_ENV } from "./shims/runtime.ts";

/** The account every dummy ARN and the ECR login name: no real account is ever addressed. */
export const DUMMY_ACCOUNT_ID = PLACEHOLDER_ACCOUNT;
export const DEFAULT_REGION = PLACEHOLDER_REGION;

/** The service's names as infra derives them, with the project name of the repository's infra/deployment.config.json. */
export function rehearsedServiceNames(repoRoot: string, service: string): ServiceNames {
  const config = loadRepositoryDeploymentConfig(repoRoot);
  return serviceNames(config.projectName, service);
}

export interface ProjectEnvironmentInput {
  service: DiscoveredService;
  names: ServiceNames;
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
 * The CodeBuild project's environment for one service: the contract's buildStageVariables() (what infra sets on the
 * project) with the local registry in place of ECR, plus what CodeBuild itself sets and the template-mode variables
 * that make create-new-task-def render taskdef.template.json instead of reading ECS.
 */
export function projectEnvironment(input: ProjectEnvironmentInput): Record<string, string> {
  const { service, names } = input;
  const env: Record<string, string> = {
    ...buildStageVariables({
      manifest: service.manifest,
      serviceDir: service.dir,
      names,
      repositoryUri: `${input.registry}/${service.manifest.name}`,
      // The BuildKit cache's own repository; the local engine keeps its own cache, so nothing is pushed there.
      cacheRepositoryUri: `${input.registry}/${service.manifest.name}-cache`,
      accountId: DUMMY_ACCOUNT_ID,
    }),
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
    ...taskDefinitionTemplateVariables(service.manifest, {
      family: names.taskFamily,
      containerName: names.container,
      executionRoleArn: `arn:aws:iam::${DUMMY_ACCOUNT_ID}:role/${names.taskFamily}-execution`,
      taskRoleArn: `arn:aws:iam::${DUMMY_ACCOUNT_ID}:role/${names.taskFamily}-task`,
      logGroup: `/rehearse/${names.taskFamily}`,
      region: input.region,
    }),
    // A safety net, not CodeBuild's: an AWS SDK call that slipped through would go to a closed loopback port
    // instead of AWS, and never to the instance metadata service.
    AWS_ENDPOINT_URL: "http://127.0.0.1:1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
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
