// The Build stage's variables: what every service's CodeBuild project sets for buildspec.yml. infra calls this with
// CDK tokens, the local rehearsal with local values; buildspec.yml documents each variable.
import type { ServiceManifest } from "./manifest/schema.ts";
import type { ServiceNames } from "./names.ts";

export const BUILD_VARIABLES = {
  serviceName: "SERVICE_NAME",
  dockerfile: "DOCKERFILE",
  repositoryUri: "REPOSITORY_URI",
  cacheRepositoryUri: "CACHE_REPOSITORY_URI",
  taskFamily: "TASK_FAMILY",
  containerName: "CONTAINER_NAME",
  accountId: "AWS_ACCOUNT_ID",
  testTrafficHook: "HOOK_AFTER_ALLOW_TEST_TRAFFIC",
} as const;

export interface BuildStageInput {
  manifest: ServiceManifest;
  /** The service's folder relative to the repository root (apps/<service>). */
  serviceDir: string;
  names: ServiceNames;
  /** The service's image repository, and the repository of its BuildKit layer cache. */
  repositoryUri: string;
  cacheRepositoryUri: string;
  /** The account that owns the registry (docker login). */
  accountId: string;
}

/** The variables for one service (CodeBuild itself sets AWS_REGION and the CODEBUILD_* ones). */
export function buildStageVariables(input: BuildStageInput): Record<string, string> {
  const { manifest, names } = input;
  return {
    [BUILD_VARIABLES.serviceName]: manifest.name,
    [BUILD_VARIABLES.dockerfile]: `${input.serviceDir}/Dockerfile`,
    [BUILD_VARIABLES.repositoryUri]: input.repositoryUri,
    [BUILD_VARIABLES.cacheRepositoryUri]: input.cacheRepositoryUri,
    [BUILD_VARIABLES.taskFamily]: names.taskFamily,
    [BUILD_VARIABLES.containerName]: names.container,
    [BUILD_VARIABLES.accountId]: input.accountId,
    ...(manifest.deployment.testTrafficHook
      ? { [BUILD_VARIABLES.testTrafficHook]: names.testTrafficHookFunction }
      : {}),
  };
}
