// The ECS engine's Deploy stage variables: what infra sets on the Deploy CodeBuild project and ecs-deploy (through
// packages/ecs-deploy/buildspec.yml) reads.
import { BUILD_VARIABLES } from "./build-stage.ts";

export const DEPLOY_VARIABLES = {
  cluster: "ECS_CLUSTER",
  service: "ECS_SERVICE",
  /** The same container the Build stage rendered the image into. */
  container: BUILD_VARIABLES.containerName,
  /** The Build stage's output artifact: CodeBuild puts a secondary input in $CODEBUILD_SRC_DIR_<name>. */
  buildOutputArtifact: "BUILD_OUTPUT_ARTIFACT",
  timeoutMinutes: "DEPLOY_TIMEOUT_MINUTES",
} as const;

export interface DeployStageInput {
  cluster: string;
  service: string;
  container: string;
  buildOutputArtifact: string;
  timeoutMinutes: number;
}

export function deployStageVariables(input: DeployStageInput): Record<string, string> {
  return {
    [DEPLOY_VARIABLES.cluster]: input.cluster,
    [DEPLOY_VARIABLES.service]: input.service,
    [DEPLOY_VARIABLES.container]: input.container,
    [DEPLOY_VARIABLES.buildOutputArtifact]: input.buildOutputArtifact,
    [DEPLOY_VARIABLES.timeoutMinutes]: String(input.timeoutMinutes),
  };
}
