/**
 * Names every stack derives from the project and service names, in one place: the router Lambda (shared stack) must
 * know each pipeline's name before the service stacks exist, so names are plain strings, never CDK tokens.
 */

/** `<project>-<service>`: the stack, task definition family, CodeDeploy application/group and pipeline name. */
export function serviceResourceName(projectName: string, serviceName: string): string {
  return `${projectName}-${serviceName}`;
}

/** The pipeline of one service (CodePipeline names: letters, digits, . @ - _, up to 100 characters). */
export function pipelineName(projectName: string, serviceName: string): string {
  return serviceResourceName(projectName, serviceName);
}

/**
 * The Source action's name in every pipeline. The CodeCommit router starts executions with `sourceRevisions` naming
 * this action, so it is one constant.
 */
export const SOURCE_ACTION_NAME = "Source";

/**
 * The shared artifact bucket's name (S3 names are global, hence account and region). The service stacks import the
 * bucket by this name: no cross-stack reference, and IAM findings that name it are the same on every synth.
 */
export function artifactBucketName(projectName: string, account: string, region: string): string {
  return `${projectName}-artifacts-${account}-${region}`;
}
