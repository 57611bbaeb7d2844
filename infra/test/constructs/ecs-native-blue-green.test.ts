import { ecsDeploymentConfiguration, type ServiceManifestInput, serviceNames } from "@repo/service-contract";
import { minimumDeploymentDuration } from "@repo/service-contract/deployment-duration";
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CODEBUILD_MAX_TIMEOUT_MINUTES,
  DEPLOY_BUILDSPEC_FILE,
  DEPLOY_INSTALL_MINUTES,
  DEPLOY_MARGIN_MINUTES,
  EcsNativeBlueGreen,
} from "../../lib/constructs/ecs-native-blue-green.ts";
import { BUILD_IMAGE } from "../../lib/constructs/service-build-project.ts";
import type { ServiceListenerRules } from "../../lib/constructs/service-listener-rules.ts";
import { bareStack, importedVpc, serviceListenerRules, serviceManifest, UNIT_ENV } from "../support/stack.ts";

const NAMES = serviceNames("project", "orders");
const MANIFEST_FILE = "apps/orders/service.json";
const SERVICE = "AWS::ECS::Service";

type Deployment = NonNullable<ServiceManifestInput["deployment"]>;

interface Deployed {
  stack: Stack;
  traffic: ServiceListenerRules;
  taskDefinition: ecs.FargateTaskDefinition;
  service: ecs.FargateService;
  alarms: cloudwatch.Alarm[];
  strategy: EcsNativeBlueGreen;
  actions: codepipeline.IAction[];
  artifacts: { source: codepipeline.Artifact; build: codepipeline.Artifact };
  template: Template;
}

/** The manifest's deployment settings for an ecs service (the test-traffic hook off unless asked for). */
function deploymentOf(deployment: Deployment = {}) {
  return serviceManifest({
    name: "orders",
    port: 3000,
    deployment: { engine: "ecs", testTrafficHook: false, ...deployment },
    route: { priority: 7 },
  }).deployment;
}

function strategyOn(stack: Stack, deployment: Deployment, traffic: ServiceListenerRules, vpc = importedVpc(stack)) {
  const taskDefinition = new ecs.FargateTaskDefinition(stack, "TaskDefinition", { family: NAMES.taskFamily });
  taskDefinition.addContainer("Container", {
    containerName: NAMES.container,
    image: ecs.ContainerImage.fromRegistry("public.ecr.aws/docker/library/node:24-bookworm-slim"),
    portMappings: [{ containerPort: 3000 }],
  });
  const metric = new cloudwatch.Metric({ namespace: "Unit", metricName: "Errors" });
  const alarms = ["First", "Second"].map((id) => metric.createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 }));
  const cluster = ecs.Cluster.fromClusterAttributes(stack, "Cluster", { clusterName: "unit-cluster", vpc });
  const strategy = new EcsNativeBlueGreen(stack, "BlueGreen", {
    names: NAMES,
    manifestFile: MANIFEST_FILE,
    traffic,
    deployment: deploymentOf(deployment),
    containerPort: 3000,
    alarms,
    cluster,
    taskRoles: [taskDefinition.obtainExecutionRole(), taskDefinition.taskRole],
    logRetention: logs.RetentionDays.ONE_WEEK,
    hook: { vpc, healthCheckPath: "/health", testListenerPort: 8080 },
  });
  return { taskDefinition, alarms, cluster, strategy };
}

/** The strategy over a Fargate service on a shared load balancer's rules, with its Deploy stage. */
function deploy(deployment: Deployment = {}): Deployed {
  const stack = bareStack();
  const vpc = importedVpc(stack);
  const traffic = serviceListenerRules(stack, { vpc });
  const { taskDefinition, alarms, cluster, strategy } = strategyOn(stack, deployment, traffic, vpc);
  const service = new ecs.FargateService(stack, "Service", {
    cluster,
    taskDefinition,
    ...strategy.serviceOptions,
    minHealthyPercent: 100,
  });
  strategy.bind(service);
  const artifacts = { source: new codepipeline.Artifact("Source"), build: new codepipeline.Artifact("BuildOutput") };
  const actions = strategy.deployActions(stack, {
    ...artifacts,
    pipelineRole: iam.Role.fromRoleArn(stack, "PipelineRole", `arn:aws:iam::${UNIT_ENV.account}:role/pipeline`),
    artifactBucket: s3.Bucket.fromBucketName(stack, "Artifacts", "unit-artifacts"),
  });
  return {
    stack,
    traffic,
    taskDefinition,
    service,
    alarms,
    strategy,
    actions,
    artifacts,
    template: Template.fromStack(stack),
  };
}

/** The statements of the inline policies attached to `role`. */
function statementsOf(d: Deployed, role: iam.IRole): Record<string, unknown>[] {
  const ref = d.stack.resolve(role.roleName);
  return Object.values(d.template.findResources("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([ref]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
}

const sorted = (values: unknown) => [...(values as unknown[])].map((value) => JSON.stringify(value)).sort();

describe("EcsNativeBlueGreen", () => {
  let d: Deployed;
  beforeAll(() => {
    d = deploy();
  });

  it("puts the service under ECS's own deployment controller, with the circuit breaker rolling back", () => {
    d.template.hasResourceProperties(SERVICE, {
      DeploymentController: { Type: "ECS" },
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });

  it("rolls a deployment back when any of the given alarms goes off", () => {
    d.template.hasResourceProperties(SERVICE, {
      DeploymentConfiguration: {
        Alarms: { Enable: true, Rollback: true, AlarmNames: d.alarms.map((alarm) => d.stack.resolve(alarm.alarmName)) },
      },
    });
  });

  it("registers the container in the primary group, the alternate group and both rules for ECS to move, as its role", () => {
    d.template.hasResourceProperties(SERVICE, {
      LoadBalancers: [
        {
          ContainerName: NAMES.container,
          ContainerPort: 3000,
          TargetGroupArn: d.stack.resolve(d.traffic.primaryTargetGroup.targetGroupArn),
          AdvancedConfiguration: {
            AlternateTargetGroupArn: d.stack.resolve(d.traffic.alternateTargetGroup.targetGroupArn),
            ProductionListenerRule: d.stack.resolve(d.traffic.productionRule.listenerRuleArn),
            TestListenerRule: d.stack.resolve(d.traffic.testRule.listenerRuleArn),
            RoleArn: d.stack.resolve(d.strategy.infrastructureRole.roleArn),
          },
        },
      ],
    });
  });

  it("adds no lifecycle hook when the manifest turns the test-traffic hook off", () => {
    expect(d.strategy.hook).toBeUndefined();
    d.template.hasResourceProperties(SERVICE, { DeploymentConfiguration: { LifecycleHooks: Match.absent() } });
    d.template.resourceCountIs("AWS::Lambda::Function", 0);
  });
});

describe("EcsNativeBlueGreen's deployment configuration", () => {
  it.each([
    [
      { strategy: "all-at-once", terminationWaitMinutes: 3 },
      {
        Strategy: "BLUE_GREEN",
        BakeTimeInMinutes: 3,
        CanaryConfiguration: Match.absent(),
        LinearConfiguration: Match.absent(),
      },
    ],
    [
      { strategy: "canary", percent: 20, intervalMinutes: 4 },
      {
        Strategy: "CANARY",
        BakeTimeInMinutes: 5,
        CanaryConfiguration: { CanaryPercent: 20, CanaryBakeTimeInMinutes: 4 },
        LinearConfiguration: Match.absent(),
      },
    ],
    [
      { strategy: "linear", percent: 25, intervalMinutes: 2, terminationWaitMinutes: 0 },
      {
        Strategy: "LINEAR",
        BakeTimeInMinutes: 0,
        LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 2 },
        CanaryConfiguration: Match.absent(),
      },
    ],
  ] as const)("runs %o as %o", (deployment, configuration) => {
    deploy(deployment).template.hasResourceProperties(SERVICE, { DeploymentConfiguration: configuration });
  });

  it("keeps the alarms but no longer rolls back on them with break glass; the circuit breaker stays", () => {
    const { template } = deploy({ breakGlass: true });
    template.hasResourceProperties(SERVICE, {
      DeploymentConfiguration: { Alarms: Match.absent(), DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });
});

describe("EcsNativeBlueGreen's infrastructure role (ECS's, for the load balancer)", () => {
  let d: Deployed;
  beforeAll(() => {
    d = deploy();
  });

  it("may modify exactly the service's two rules and register targets in exactly its two groups, and describe", () => {
    const statements = statementsOf(d, d.strategy.infrastructureRole);
    expect(statements.map((statement) => statement.Sid)).toEqual([
      "ShiftTraffic",
      "RegisterTargets",
      "DescribeLoadBalancing",
    ]);
    const [shift, register, describe] = statements as { Action: unknown; Resource: unknown }[];
    expect(shift?.Action).toBe("elasticloadbalancing:ModifyRule");
    expect(sorted(shift?.Resource)).toEqual(
      sorted(
        [d.traffic.productionRule.listenerRuleArn, d.traffic.testRule.listenerRuleArn].map(d.stack.resolve, d.stack),
      ),
    );
    expect(sorted(register?.Action)).toEqual(
      sorted(["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"]),
    );
    expect(sorted(register?.Resource)).toEqual(
      sorted(
        [d.traffic.primaryTargetGroup.targetGroupArn, d.traffic.alternateTargetGroup.targetGroupArn].map(
          d.stack.resolve,
          d.stack,
        ),
      ),
    );
    // Only what has no resource-level permission is on * (the reads of AWS's managed policy for this role).
    expect(describe?.Resource).toBe("*");
    expect(sorted(describe?.Action)).toEqual(
      sorted(
        ["DescribeListeners", "DescribeRules", "DescribeTargetGroups", "DescribeTargetHealth"].map(
          (a) => `elasticloadbalancing:${a}`,
        ),
      ),
    );
  });

  it("has no managed policy, and trusts ECS as AWS documents the infrastructure role (no source conditions)", () => {
    d.template.hasResourceProperties("AWS::IAM::Role", {
      Description: Match.stringLikeRegexp("ECS moves this service's listener rules"),
      ManagedPolicyArns: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "ecs.amazonaws.com" },
            Condition: Match.absent(),
          },
        ],
      },
    });
  });
});

describe("EcsNativeBlueGreen's Deploy stage", () => {
  let d: Deployed;
  beforeAll(() => {
    d = deploy();
  });
  const minutesFor = (deployment: Deployment) =>
    minimumDeploymentDuration(ecsDeploymentConfiguration(deploymentOf(deployment))).minutes + DEPLOY_MARGIN_MINUTES;

  it("is one CodeBuild action on the repository, with the Build stage's artifact as its second input", () => {
    expect(d.actions).toHaveLength(1);
    const [action] = d.actions;
    expect(action?.actionProperties).toMatchObject({
      actionName: "Deploy",
      provider: "CodeBuild",
      inputs: [d.artifacts.source, d.artifacts.build],
      variablesNamespace: "Deploy",
    });
  });

  it("runs ecs-deploy's buildspec in a non-privileged project, told which service, container and artifact", () => {
    d.template.resourceCountIs("AWS::CodeBuild::Project", 1);
    d.template.hasResourceProperties("AWS::CodeBuild::Project", {
      Name: NAMES.deployProject,
      Source: { Type: "CODEPIPELINE", BuildSpec: DEPLOY_BUILDSPEC_FILE },
      Environment: {
        Image: BUILD_IMAGE.imageId,
        ComputeType: "BUILD_GENERAL1_SMALL",
        PrivilegedMode: false,
        EnvironmentVariables: [
          { Name: "ECS_CLUSTER", Type: "PLAINTEXT", Value: "unit-cluster" },
          { Name: "ECS_SERVICE", Type: "PLAINTEXT", Value: d.stack.resolve(d.service.serviceName) },
          { Name: "CONTAINER_NAME", Type: "PLAINTEXT", Value: NAMES.container },
          { Name: "BUILD_OUTPUT_ARTIFACT", Type: "PLAINTEXT", Value: d.artifacts.build.artifactName },
          { Name: "DEPLOY_TIMEOUT_MINUTES", Type: "PLAINTEXT", Value: String(minutesFor({})) },
        ],
      },
      LogsConfig: { CloudWatchLogs: { Status: "ENABLED" } },
    });
    d.template.hasResourceProperties("AWS::Logs::LogGroup", { LogGroupName: `/aws/codebuild/${NAMES.deployProject}` });
  });

  it.each([
    { strategy: "all-at-once", terminationWaitMinutes: 0 },
    { strategy: "canary", percent: 10, intervalMinutes: 15, terminationWaitMinutes: 20 },
    { strategy: "linear", percent: 10, intervalMinutes: 3 },
  ] as const)(
    "follows %o for its shifts and bake time plus the margin, and lets CodeBuild install first",
    (deployment) => {
      const { strategy, template } = deploy(deployment);
      expect(strategy.deployTimeoutMinutes).toBe(minutesFor(deployment));
      template.hasResourceProperties("AWS::CodeBuild::Project", {
        TimeoutInMinutes: minutesFor(deployment) + DEPLOY_INSTALL_MINUTES,
        Environment: {
          EnvironmentVariables: Match.arrayWith([
            { Name: "DEPLOY_TIMEOUT_MINUTES", Type: "PLAINTEXT", Value: String(minutesFor(deployment)) },
          ]),
        },
      });
    },
  );

  it("refuses, naming the manifest, shifts and bake time longer than CodeBuild can follow, up to the last minute", () => {
    // Canary: the canary wait plus the bake time, each at most a day for ECS.
    const longest = CODEBUILD_MAX_TIMEOUT_MINUTES - DEPLOY_INSTALL_MINUTES - DEPLOY_MARGIN_MINUTES;
    const canary = (total: number): Deployment => ({
      strategy: "canary",
      intervalMinutes: 1440,
      terminationWaitMinutes: total - 1440,
    });
    expect(deploy(canary(longest)).template.findResources("AWS::CodeBuild::Project")).not.toEqual({});
    expect(() => deploy(canary(longest + 1))).toThrow(
      new RegExp(
        `^${MANIFEST_FILE}: deployment: its shifts and bake time take ${longest + 1} minutes, more than the Deploy stage can follow \\(${longest}\\)`,
      ),
    );
  });

  it("lets its role deploy only this service, revisions of its family, and pass only its two task roles", () => {
    const statements = statementsOf(d, d.strategy.deployProject?.role as iam.IRole);
    const family = `arn:aws:ecs:${UNIT_ENV.region}:${UNIT_ENV.account}:task-definition/${NAMES.taskFamily}:*`;
    const service = d.stack.resolve(d.service.serviceArn);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Action: "ecs:UpdateService",
          Effect: "Allow",
          Resource: service,
          Condition: { ArnLike: { "ecs:task-definition": family } },
        },
        { Action: "ecs:RegisterTaskDefinition", Effect: "Allow", Resource: family },
        {
          Action: "iam:PassRole",
          Effect: "Allow",
          Resource: [d.taskDefinition.obtainExecutionRole().roleArn, d.taskDefinition.taskRole.roleArn].map(
            d.stack.resolve,
            d.stack,
          ),
          Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
      ]),
    );
    // No action on anything but this service, its family, the artifacts and its own logs.
    const resources = JSON.stringify(statements.map((statement) => statement.Resource));
    expect(resources).not.toContain('"*"');
    d.template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: "codebuild.amazonaws.com" },
            Condition: {
              StringEquals: { "aws:SourceAccount": UNIT_ENV.account },
              ArnLike: {
                "aws:SourceArn": `arn:aws:codebuild:${UNIT_ENV.region}:${UNIT_ENV.account}:project/${NAMES.deployProject}`,
              },
            },
          }),
        ],
      },
    });
  });

  it("needs the service bound first", () => {
    const stack = bareStack();
    const vpc = importedVpc(stack);
    const { strategy } = strategyOn(stack, {}, serviceListenerRules(stack, { vpc }), vpc);
    expect(() =>
      strategy.deployActions(stack, {
        source: new codepipeline.Artifact("Source"),
        build: new codepipeline.Artifact("BuildOutput"),
        pipelineRole: iam.Role.fromRoleArn(stack, "PipelineRole", `arn:aws:iam::${UNIT_ENV.account}:role/pipeline`),
        artifactBucket: s3.Bucket.fromBucketName(stack, "Artifacts", "unit-artifacts"),
      }),
    ).toThrow(/bind\(\) the service first/);
  });
});

describe("EcsNativeBlueGreen with the test-traffic hook", () => {
  it("smoke-tests through the service's test URL at POST_TEST_TRAFFIC_SHIFT, ECS invoking it with a role of its own", () => {
    const d = deploy({ testTrafficHook: true });
    const hook = d.strategy.hook;
    expect(hook).toBeDefined();
    d.template.resourceCountIs("AWS::Lambda::Function", 1);
    const variables = new Capture();
    d.template.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: NAMES.ecsTestTrafficHookFunction,
      Environment: { Variables: variables },
    });
    expect(Object.values(variables.asObject())).toContain(d.traffic.testUrl);
    const role = new Capture();
    d.template.hasResourceProperties(SERVICE, {
      DeploymentConfiguration: {
        LifecycleHooks: [
          {
            LifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"],
            HookTargetArn: d.stack.resolve(hook?.function.functionArn),
            RoleArn: role,
          },
        ],
      },
    });
    expect(JSON.stringify(role.asObject())).not.toContain(
      d.stack.getLogicalId(hook?.role.node.defaultChild as iam.CfnRole),
    );
  });
});
