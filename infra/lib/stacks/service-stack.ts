import {
  buildStageVariables,
  type DeploymentConfig,
  type DeploymentEngine,
  type DiscoveredService,
  serviceNames,
} from "@repo/service-contract";
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as codecommit from "aws-cdk-lib/aws-codecommit";
import type * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import type * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { BuildContext } from "../build-context.ts";
import { ArtifactBucket } from "../constructs/artifact-bucket.ts";
import { BlueGreenFargateService } from "../constructs/blue-green-fargate-service.ts";
import { BuildCacheRepository } from "../constructs/build-cache-repository.ts";
import { CodeDeployBlueGreen } from "../constructs/code-deploy-blue-green.ts";
import { ServiceBuildProject } from "../constructs/service-build-project.ts";
import { type PipelineSource, ServicePipeline } from "../constructs/service-pipeline.ts";
import { ServiceRepository } from "../constructs/service-repository.ts";
import { ServiceTaskDefinition } from "../constructs/service-task-definition.ts";
import { serviceImageAsset } from "../initial-image.ts";
import { deploymentEngineParts } from "./deployment-engine-parts.ts";
import type { SharedStack } from "./shared-stack.ts";

export interface ServiceStackProps extends StackProps {
  config: DeploymentConfig;
  service: DiscoveredService;
  shared: SharedStack;
  logRetention: logs.RetentionDays;
  /** The Docker build context of the default initial image (the repository root), shared by the app's services. */
  buildContext: BuildContext;
  /**
   * The paths whose change must rebuild and redeploy this service (@repo/pipeline-triggers): the pipeline's trigger
   * filters, and what the default initial image's hash covers.
   */
  triggerPaths: readonly string[];
  /**
   * The image of the task definition CDK registers, i.e. what the first deploy runs before any pipeline did.
   * Default: the service's own Dockerfile built as a CDK image asset (context: the repository root, honouring the
   * root .dockerignore, hashed over the trigger paths only), so the first deploy starts healthy tasks with no manual
   * step; it needs a container engine where `cdk deploy` runs.
   */
  initialImage?: ecs.ContainerImage;
}

/** Everything the service's pipeline needs, as typed references (no string lookups). */
export interface ServiceDeploymentTargets {
  serviceName: string;
  repository: ecr.IRepository;
  /** The mutable repository of the build's BuildKit layer cache. */
  cacheRepository: ecr.IRepository;
  taskFamily: string;
  containerName: string;
  containerPort: number;
  cluster: ecs.ICluster;
  service: ecs.FargateService;
  engine: DeploymentEngine;
  /** The CodeDeploy engine's application and deployment group. */
  application?: codedeploy.IEcsApplication;
  deploymentGroup?: codedeploy.IEcsDeploymentGroup;
  /** The test-traffic smoke test (AfterAllowTestTraffic, or POST_TEST_TRAFFIC_SHIFT), when the manifest enables it. */
  hookFunction?: lambda.IFunction;
  artifactBucket: s3.IBucket;
  /** The manifest's deployment settings (manual approval and so on). */
  deployment: DiscoveredService["manifest"]["deployment"];
  serviceUrl: string;
  testUrl: string;
  pipeline: codepipeline.IPipeline;
  /** The pipeline's explicit name (the CodeCommit push router starts it by this name). */
  pipelineName: string;
  buildProject: codebuild.IProject;
  /** The paths whose change starts the pipeline. */
  triggerPaths: readonly string[];
}

/**
 * One service: image repository, task definition, load balancer, Fargate service, CodeDeploy blue/green, and the
 * pipeline that ships it (Source -> Build -> [Approval] -> Deploy).
 */
export class ServiceStack extends Stack {
  readonly targets: ServiceDeploymentTargets;
  /** The discovered service this stack deploys. */
  readonly service: DiscoveredService;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.service = props.service;
    const { config, shared } = props;
    const { manifest } = props.service;
    const names = serviceNames(config.projectName, manifest.name);

    const { repository } = new ServiceRepository(this, "Image", { imagesKept: config.ecrImagesKept });
    const { repository: cacheRepository } = new BuildCacheRepository(this, "BuildCache");

    const { bucket: artifactBucket } = new ArtifactBucket(this, "Artifacts", {
      serviceName: manifest.name,
      lifecycleDays: config.artifactLifecycleDays,
      logsBucket: s3.Bucket.fromBucketName(this, "LogsBucket", shared.logsBucket.bucketName),
    });

    const image = props.initialImage ?? serviceImageAsset(props.buildContext, props.service, props.triggerPaths);
    const task = new ServiceTaskDefinition(this, "Task", {
      manifest,
      family: names.taskFamily,
      containerName: names.container,
      image,
      logRetention: props.logRetention,
    });
    repository.grantPull(task.executionRole);

    const { traffic, strategy } = deploymentEngineParts(this, { ...props, names, task, artifactBucket });

    const fargate = new BlueGreenFargateService(this, "Fargate", {
      cluster: shared.cluster,
      manifest,
      taskDefinition: task.taskDefinition,
      containerName: task.container.containerName,
      traffic,
      strategy,
    });

    const build = new ServiceBuildProject(this, "Build", {
      projectName: names.buildProject,
      serviceName: manifest.name,
      environmentVariables: buildStageVariables({
        manifest,
        serviceDir: props.service.dir,
        names,
        repositoryUri: repository.repositoryUri,
        cacheRepositoryUri: cacheRepository.repositoryUri,
        accountId: this.account,
      }),
      repository,
      cacheRepository,
      computeType: config.buildComputeType,
      logRetention: props.logRetention,
    });

    const pipeline = new ServicePipeline(this, "Pipeline", {
      pipelineName: names.pipeline,
      notificationRuleName: names.pipelineNotificationRule,
      source: pipelineSource(this, config),
      triggerPaths: props.triggerPaths,
      artifactBucket,
      buildProject: build.project,
      deployment: strategy,
      manualApproval: manifest.deployment.manualApproval,
      // Imported by ARN: the topic's policy (shared stack) already admits CodeStar Notifications, so adding a service
      // never changes the shared stack's topic.
      notificationTopic: sns.Topic.fromTopicArn(this, "NotificationTopic", shared.notificationTopic.topicArn),
    });

    this.targets = {
      serviceName: manifest.name,
      repository,
      cacheRepository,
      taskFamily: task.taskDefinition.family,
      containerName: task.container.containerName,
      containerPort: manifest.port,
      cluster: shared.cluster,
      service: fargate.service,
      engine: manifest.deployment.engine,
      ...(strategy instanceof CodeDeployBlueGreen
        ? { application: strategy.application, deploymentGroup: strategy.deploymentGroup }
        : {}),
      hookFunction: strategy.hook?.function,
      artifactBucket,
      deployment: manifest.deployment,
      serviceUrl: traffic.serviceUrl,
      testUrl: traffic.testUrl,
      pipeline: pipeline.pipeline,
      pipelineName: names.pipeline,
      buildProject: build.project,
      triggerPaths: props.triggerPaths,
    };
    this.outputs();
  }

  private outputs(): void {
    const t = this.targets;
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output("ServiceUrl", t.serviceUrl, "Production URL");
    output("TestUrl", t.testUrl, "Test listener URL (the green task set during a deployment)");
    output("RepositoryUri", t.repository.repositoryUri, "ECR repository the pipeline pushes to");
    output("RepositoryName", t.repository.repositoryName, "ECR repository name");
    output("TaskFamily", t.taskFamily, "Task definition family (create-new-task-def reads its newest revision)");
    output("ContainerName", t.containerName, "Container name for the appspec");
    output("ContainerPort", String(t.containerPort), "Container port for the appspec");
    output("ClusterName", t.cluster.clusterName, "ECS cluster");
    output("EcsServiceName", t.service.serviceName, "ECS service");
    if (t.application) output("CodeDeployApplication", t.application.applicationName, "CodeDeploy application");
    if (t.deploymentGroup) {
      output("CodeDeployDeploymentGroup", t.deploymentGroup.deploymentGroupName, "CodeDeploy deployment group");
    }
    if (t.hookFunction) output("HookFunctionName", t.hookFunction.functionName, "Test-traffic smoke test function");
    output("ArtifactBucketName", t.artifactBucket.bucketName, "Pipeline artifact bucket");
    output("CacheRepositoryUri", t.cacheRepository.repositoryUri, "ECR repository of the build's BuildKit cache");
    output("PipelineName", t.pipelineName, "CodePipeline that ships the service");
    output("BuildProjectName", t.buildProject.projectName, "CodeBuild project of the Build stage");
  }
}

/** The configured source as the pipeline's: a CodeCommit repository imported by name, or a connection. */
function pipelineSource(scope: Construct, config: DeploymentConfig): PipelineSource {
  const { source } = config;
  if (source.type === "codecommit") {
    return {
      type: "codecommit",
      repository: codecommit.Repository.fromRepositoryName(scope, "SourceRepository", source.repositoryName),
      branch: source.branch,
    };
  }
  return {
    type: "codeconnections",
    connectionArn: source.connectionArn,
    owner: source.owner,
    repo: source.repo,
    branch: source.branch,
  };
}
