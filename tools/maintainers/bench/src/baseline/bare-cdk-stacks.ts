// The stacks of the bare CDK app (bare-cdk-app.ts): what infra builds, in its plainest aws-cdk-lib form
// (environment-agnostic: no account, so no context lookup).
import { App, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as actions from "aws-cdk-lib/aws-codepipeline-actions";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";

interface Shared {
  cluster: ecs.Cluster;
  listener: elbv2.ApplicationListener;
  testListener: elbv2.ApplicationListener;
}

function sharedStack(app: App): Shared {
  const stack = new Stack(app, "bare-shared");
  const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, "Cluster", { vpc });
  const balancer = new elbv2.ApplicationLoadBalancer(stack, "Alb", { vpc, internetFacing: true });
  const fixed = elbv2.ListenerAction.fixedResponse(404);
  const listener = balancer.addListener("Http", { port: 80, defaultAction: fixed });
  const testListener = balancer.addListener("Test", { port: 8080, defaultAction: fixed });
  return { cluster, listener, testListener };
}

function serviceStack(app: App, index: number, shared: Shared): Stack {
  const stack = new Stack(app, `bare-svc-${index}`);
  const repository = new ecr.Repository(stack, "Images");
  const bucket = new s3.Bucket(stack, "Artifacts", { versioned: true, removalPolicy: RemovalPolicy.RETAIN });
  const logGroup = new logs.LogGroup(stack, "Logs", { retention: logs.RetentionDays.ONE_MONTH });
  const task = new ecs.FargateTaskDefinition(stack, "Task", { cpu: 256, memoryLimitMiB: 512 });
  task.addContainer("app", {
    image: ecs.ContainerImage.fromEcrRepository(repository, "initial"),
    portMappings: [{ containerPort: 3000 }],
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: "app", logGroup }),
  });
  const service = new ecs.FargateService(stack, "Service", {
    cluster: shared.cluster,
    taskDefinition: task,
    minHealthyPercent: 100,
    deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY },
  });
  const targets = ["Blue", "Green"].map(
    (color) =>
      new elbv2.ApplicationTargetGroup(stack, color, {
        vpc: shared.cluster.vpc,
        port: 3000,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        healthCheck: { path: "/health", interval: Duration.seconds(10) },
      }),
  );
  const [blue, green] = targets as [elbv2.ApplicationTargetGroup, elbv2.ApplicationTargetGroup];
  service.attachToApplicationTargetGroup(blue);
  const paths = elbv2.ListenerCondition.pathPatterns([`/svc-${index}/*`]);
  new elbv2.ApplicationListenerRule(stack, "Rule", {
    listener: shared.listener,
    priority: index,
    conditions: [paths],
    targetGroups: [blue],
  });
  new elbv2.ApplicationListenerRule(stack, "TestRule", {
    listener: shared.testListener,
    priority: index,
    conditions: [paths],
    targetGroups: [green],
  });
  const deploymentGroup = new codedeploy.EcsDeploymentGroup(stack, "Deployment", {
    service,
    blueGreenDeploymentConfig: {
      blueTargetGroup: blue,
      greenTargetGroup: green,
      listener: shared.listener,
      testListener: shared.testListener,
    },
    deploymentConfig: codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  });
  const source = new codepipeline.Artifact("Source");
  const built = new codepipeline.Artifact("Built");
  const project = new codebuild.PipelineProject(stack, "Build", {
    environment: { privileged: true },
  });
  repository.grantPullPush(project);
  new codepipeline.Pipeline(stack, "Pipeline", {
    artifactBucket: bucket,
    pipelineType: codepipeline.PipelineType.V2,
    stages: [
      {
        stageName: "Source",
        actions: [
          new actions.S3SourceAction({
            actionName: "Source",
            bucket: bucket,
            bucketKey: `sources/svc-${index}.zip`,
            output: source,
          }),
        ],
      },
      {
        stageName: "Build",
        actions: [new actions.CodeBuildAction({ actionName: "Build", project, input: source, outputs: [built] })],
      },
      {
        stageName: "Deploy",
        actions: [
          new actions.CodeDeployEcsDeployAction({
            actionName: "Deploy",
            deploymentGroup,
            taskDefinitionTemplateInput: built,
            appSpecTemplateInput: built,
          }),
        ],
      },
    ],
  });
  return stack;
}

/** The shared stack and `services` service stacks (which reference the shared one's cluster and listeners). */
export function bareApp(services: number): App {
  // Off as in infra's app (createApp): CDK's own template validation costs seconds per stack.
  const app = new App({
    builtinCloudFormationValidation: false,
    // As infra's cdk.json sets it; unset, CDK warns on every cross-stack reference.
    context: { "@aws-cdk/core:defaultCrossStackReferences": "weak" },
  });
  const shared = sharedStack(app);
  for (let index = 1; index <= services; index++) {
    serviceStack(app, index, shared);
  }
  return app;
}
