import type * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";

/** What the Fargate service must be created with for an engine to deploy it. */
export type StrategyServiceOptions = Pick<
  ecs.FargateServiceProps,
  | "deploymentController"
  | "deploymentStrategy"
  | "bakeTime"
  | "linearConfiguration"
  | "canaryConfiguration"
  | "circuitBreaker"
  | "deploymentAlarms"
>;

export interface DeployStageInputs {
  source: codepipeline.Artifact;
  /** taskdef.json, appspec.yaml, imageDetail.json. */
  build: codepipeline.Artifact;
  pipelineRole: iam.IRole;
  artifactBucket: s3.IBucket;
}

/**
 * The deployment engine behind one interface, so the service, task definition, load balancer and pipeline constructs
 * never branch on it: CodeDeployBlueGreen and EcsNativeBlueGreen implement it.
 */
export interface DeploymentStrategy {
  readonly serviceOptions: StrategyServiceOptions;
  /** Attaches the new service to its traffic and creates what deploys it (and its test-traffic hook). */
  bind(service: ecs.FargateService): void;
  /** The pipeline's Deploy stage; what it needs (roles, a project) is created under `scope`. */
  deployActions(scope: Construct, inputs: DeployStageInputs): codepipeline.IAction[];
}
