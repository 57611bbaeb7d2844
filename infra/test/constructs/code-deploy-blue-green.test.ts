import type { ServiceManifestInput } from "@repo/service-contract";
import { serviceNames } from "@repo/service-contract";
import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { CodeDeployBlueGreen } from "../../lib/constructs/code-deploy-blue-green.ts";
import type { ServiceLoadBalancer } from "../../lib/constructs/service-load-balancer.ts";
import { bareStack, importedVpc, serviceLoadBalancer, serviceManifest } from "../support/stack.ts";

const NAMES = serviceNames("project", "orders");

interface Deployed {
  stack: Stack;
  lb: ServiceLoadBalancer;
  service: ecs.FargateService;
  alarms: cloudwatch.Alarm[];
  strategy: CodeDeployBlueGreen;
  template: Template;
}

/**
 * The strategy over a CODE_DEPLOY service and two alarms. The test-traffic hook is off unless asked for: it is its
 * own construct (and a Lambda bundle); the whole-app test covers it.
 */
function deploy(deployment: ServiceManifestInput["deployment"] = {}): Deployed {
  const stack = bareStack();
  const vpc = importedVpc(stack);
  const lb = serviceLoadBalancer(stack, { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, "TaskDefinition");
  taskDefinition.addContainer("Container", {
    image: ecs.ContainerImage.fromRegistry("public.ecr.aws/docker/library/node:24-bookworm-slim"),
    portMappings: [{ containerPort: 3000 }],
  });

  const metric = new cloudwatch.Metric({ namespace: "Unit", metricName: "Errors" });
  const alarms = ["First", "Second"].map((id) => metric.createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 }));
  const manifest = serviceManifest({
    name: "orders",
    port: 3000,
    deployment: { testTrafficHook: false, ...deployment },
  });
  const strategy = new CodeDeployBlueGreen(stack, "BlueGreen", {
    names: NAMES,
    loadBalancer: lb,
    deployment: manifest.deployment,
    alarms,
    taskFamily: NAMES.taskFamily,
    taskRoles: [taskDefinition.obtainExecutionRole(), taskDefinition.taskRole],
    artifactBucket: s3.Bucket.fromBucketName(stack, "Artifacts", "unit-artifacts"),
    hook: { vpc, healthCheckPath: "/health", testListenerPort: 8080, logRetention: logs.RetentionDays.ONE_WEEK },
  });

  const service = new ecs.FargateService(stack, "Service", {
    cluster: ecs.Cluster.fromClusterAttributes(stack, "Cluster", { clusterName: "unit-cluster", vpc }),
    taskDefinition,
    ...strategy.serviceOptions,
    minHealthyPercent: 100,
  });
  strategy.bind(service);
  return { stack, lb, service, alarms, strategy, template: Template.fromStack(stack) };
}

describe("CodeDeployBlueGreen", () => {
  let d: Deployed;
  beforeAll(() => {
    d = deploy();
  });

  it("makes services it deploys use the CODE_DEPLOY controller", () => {
    expect(CodeDeployBlueGreen.deploymentController.type).toBe(ecs.DeploymentControllerType.CODE_DEPLOY);
  });

  it("creates the application and the deployment group under the contract's names", () => {
    d.template.hasResourceProperties("AWS::CodeDeploy::Application", {
      ApplicationName: NAMES.codeDeployApplication,
      ComputePlatform: "ECS",
    });
    d.template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      ApplicationName: d.stack.resolve(d.strategy.application.applicationName),
      DeploymentGroupName: NAMES.codeDeployDeploymentGroup,
      DeploymentStyle: { DeploymentOption: "WITH_TRAFFIC_CONTROL", DeploymentType: "BLUE_GREEN" },
      ECSServices: [{ ClusterName: "unit-cluster", ServiceName: d.stack.resolve(d.service.serviceName) }],
    });
  });

  it("switches the production listener between blue and green, with the test listener on the new task set", () => {
    const { lb, stack } = d;
    d.template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      LoadBalancerInfo: {
        TargetGroupPairInfoList: [
          {
            ProdTrafficRoute: { ListenerArns: [stack.resolve(lb.productionListener.listenerArn)] },
            TestTrafficRoute: { ListenerArns: [stack.resolve(lb.testListener.listenerArn)] },
            TargetGroups: [
              { Name: stack.resolve(lb.blueTargetGroup.targetGroupName) },
              { Name: stack.resolve(lb.greenTargetGroup.targetGroupName) },
            ],
          },
        ],
      },
    });
  });

  it("rolls back on failure, on a stop and on any of the given alarms", () => {
    d.template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayEquals(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"]),
      },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: d.alarms.map((alarm) => ({ Name: d.stack.resolve(alarm.alarmName) })),
      },
    });
  });

  it.each([12, 0])("keeps the old task set for the manifest's termination wait (%i minutes)", (minutes) => {
    deploy({ terminationWaitMinutes: minutes }).template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      BlueGreenDeploymentConfiguration: {
        TerminateBlueInstancesOnDeploymentSuccess: { Action: "TERMINATE", TerminationWaitTimeInMinutes: minutes },
      },
    });
  });

  it("adds no test-traffic hook when the manifest turns it off", () => {
    expect(d.strategy.hook).toBeUndefined();
    d.template.resourceCountIs("AWS::Lambda::Function", 0);
  });

  it.each([
    [{ strategy: "all-at-once" }, "CodeDeployDefault.ECSAllAtOnce"],
    [{ strategy: "canary", percent: 10, intervalMinutes: 5 }, "CodeDeployDefault.ECSCanary10Percent5Minutes"],
    [{ strategy: "canary", percent: 10, intervalMinutes: 15 }, "CodeDeployDefault.ECSCanary10Percent15Minutes"],
    [{ strategy: "linear", percent: 10, intervalMinutes: 1 }, "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"],
    [{ strategy: "linear", percent: 10, intervalMinutes: 3 }, "CodeDeployDefault.ECSLinear10PercentEvery3Minutes"],
  ] as const)("uses CodeDeploy's predefined configuration for %o", (deployment, name) => {
    const { template } = deploy(deployment);
    template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", { DeploymentConfigName: name });
    template.resourceCountIs("AWS::CodeDeploy::DeploymentConfig", 0);
  });

  it("creates a custom time-based canary when no predefined configuration matches", () => {
    const { stack, strategy, template } = deploy({ strategy: "canary", percent: 20, intervalMinutes: 7 });
    template.resourceCountIs("AWS::CodeDeploy::DeploymentConfig", 1);
    template.hasResourceProperties("AWS::CodeDeploy::DeploymentConfig", {
      ComputePlatform: "ECS",
      TrafficRoutingConfig: { Type: "TimeBasedCanary", TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 7 } },
    });
    template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      DeploymentConfigName: stack.resolve(strategy.deploymentConfig.deploymentConfigName),
    });
  });

  it("creates a custom time-based linear configuration when no predefined one matches", () => {
    const { template } = deploy({ strategy: "linear", percent: 25, intervalMinutes: 2 });
    template.hasResourceProperties("AWS::CodeDeploy::DeploymentConfig", {
      ComputePlatform: "ECS",
      TrafficRoutingConfig: { Type: "TimeBasedLinear", TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 } },
    });
  });
});
