import { describe, expect, it } from "vitest";
import {
  AWS_DEFAULT_WAITS,
  deploymentGroupWaits,
  floorOf,
  type Template,
  TemplateShapeError,
} from "../src/deploy-floor.ts";

/** A service stack shaped like the synthesized one: two target groups, an ECS service, a deployment group. */
function serviceTemplate(overrides: {
  targetGroup?: Record<string, unknown>;
  deploymentConfigName?: unknown;
  blueGreen?: Record<string, unknown>;
  extra?: Template["Resources"];
}): Template {
  const targetGroup = {
    Type: "AWS::ElasticLoadBalancingV2::TargetGroup",
    Properties: {
      HealthCheckIntervalSeconds: 5,
      HealthyThresholdCount: 2,
      TargetGroupAttributes: [
        { Key: "deregistration_delay.timeout_seconds", Value: "10" },
        { Key: "stickiness.enabled", Value: "false" },
      ],
      ...overrides.targetGroup,
    },
  };
  return {
    Resources: {
      Blue: targetGroup,
      Green: targetGroup,
      Service: {
        Type: "AWS::ECS::Service",
        Properties: { LoadBalancers: [{ ContainerName: "orders", ContainerPort: 3000 }] },
      },
      Group: {
        Type: "AWS::CodeDeploy::DeploymentGroup",
        Properties: {
          DeploymentGroupName: "bluegreen-orders",
          ECSServices: [{ ServiceName: { "Fn::GetAtt": ["Service", "Name"] } }],
          LoadBalancerInfo: {
            TargetGroupPairInfoList: [
              {
                TargetGroups: [
                  { Name: { "Fn::GetAtt": ["Blue", "TargetGroupName"] } },
                  { Name: { "Fn::GetAtt": ["Green", "TargetGroupName"] } },
                ],
              },
            ],
          },
          BlueGreenDeploymentConfiguration: {
            DeploymentReadyOption: { ActionOnTimeout: "CONTINUE_DEPLOYMENT", WaitTimeInMinutes: 0 },
            TerminateBlueInstancesOnDeploymentSuccess: { Action: "TERMINATE", TerminationWaitTimeInMinutes: 5 },
            ...overrides.blueGreen,
          },
          DeploymentConfigName: overrides.deploymentConfigName ?? "CodeDeployDefault.ECSCanary10Percent5Minutes",
        },
      },
      ...overrides.extra,
    },
  };
}

describe("deploymentGroupWaits", () => {
  it("reads health checks, draining, termination wait and a predefined canary from the template", () => {
    const [group] = deploymentGroupWaits(serviceTemplate({}), "orders.template.json");
    expect(group?.service).toBe("orders");
    expect(group?.waits).toEqual({
      healthCheckIntervalSec: 5,
      healthyThresholdCount: 2,
      deregistrationDelaySec: 10,
      terminationWaitMin: 5,
      deploymentConfigName: "CodeDeployDefault.ECSCanary10Percent5Minutes",
      bakeSec: 300,
    });
    expect(group?.manualWaits).toEqual([]);
  });

  it("falls back to CloudFormation's defaults for properties the template leaves out", () => {
    const template = serviceTemplate({
      targetGroup: {
        HealthCheckIntervalSeconds: undefined,
        HealthyThresholdCount: undefined,
        TargetGroupAttributes: [],
      },
      deploymentConfigName: undefined,
    });
    const group = template.Resources?.Group?.Properties;
    if (group) delete group.DeploymentConfigName;
    const [waits] = deploymentGroupWaits(template, "t").map((g) => g.waits);
    expect(waits).toMatchObject({
      healthCheckIntervalSec: 30,
      healthyThresholdCount: 5,
      deregistrationDelaySec: 300,
      deploymentConfigName: "CodeDeployDefault.ECSAllAtOnce",
      bakeSec: 0,
    });
  });

  it("computes the bake of custom canary and linear configurations", () => {
    const custom = (routing: Record<string, unknown>) =>
      deploymentGroupWaits(
        serviceTemplate({
          deploymentConfigName: { Ref: "Config" },
          extra: {
            Config: { Type: "AWS::CodeDeploy::DeploymentConfig", Properties: { TrafficRoutingConfig: routing } },
          },
        }),
        "t",
      )[0]?.waits.bakeSec;
    expect(custom({ Type: "TimeBasedCanary", TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 3 } })).toBe(180);
    // 25 % every 2 minutes: 25, 50, 75, 100 — three intervals.
    expect(custom({ Type: "TimeBasedLinear", TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 } })).toBe(360);
    expect(custom({ Type: "AllAtOnce" })).toBe(0);
  });

  it("knows the predefined linear configurations", () => {
    const bake = (name: string) =>
      deploymentGroupWaits(serviceTemplate({ deploymentConfigName: name }), "t")[0]?.waits.bakeSec;
    expect(bake("CodeDeployDefault.ECSLinear10PercentEvery1Minutes")).toBe(540);
    expect(bake("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")).toBe(1620);
    expect(bake("CodeDeployDefault.ECSAllAtOnce")).toBe(0);
  });

  it("names the template and resource when the configuration is unknown", () => {
    expect(() => deploymentGroupWaits(serviceTemplate({ deploymentConfigName: "Mine" }), "x.template.json")).toThrow(
      new TemplateShapeError("x.template.json: Group: unknown deployment configuration Mine"),
    );
  });

  it("reports waits on people: manual reroute and pipeline approvals", () => {
    const [group] = deploymentGroupWaits(
      serviceTemplate({
        blueGreen: { DeploymentReadyOption: { ActionOnTimeout: "STOP_DEPLOYMENT", WaitTimeInMinutes: 60 } },
        extra: {
          Pipeline: {
            Type: "AWS::CodePipeline::Pipeline",
            Properties: {
              ExecutionMode: "QUEUED",
              Stages: [
                { Name: "Source", Actions: [{ ActionTypeId: { Category: "Source" } }] },
                { Name: "Approve", Actions: [{ ActionTypeId: { Category: "Approval" } }] },
              ],
            },
          },
        },
      }),
      "t",
    );
    expect(group?.manualWaits).toEqual([
      "traffic is rerouted only when someone continues the deployment (up to 60 min)",
      "the pipeline has 1 manual approval action(s)",
    ]);
    expect(group?.pipelineExecutionModes).toEqual(["QUEUED"]);
  });

  it("finds nothing in a template without an ECS deployment group", () => {
    expect(deploymentGroupWaits({ Resources: { Bucket: { Type: "AWS::S3::Bucket" } } }, "shared")).toEqual([]);
  });
});

describe("floorOf", () => {
  it("adds time to healthy, bake, termination wait and draining", () => {
    expect(
      floorOf({
        healthCheckIntervalSec: 5,
        healthyThresholdCount: 2,
        deregistrationDelaySec: 10,
        terminationWaitMin: 5,
        deploymentConfigName: "x",
        bakeSec: 300,
      }),
    ).toEqual({
      healthySec: 10,
      bakeSec: 300,
      terminationWaitSec: 300,
      deregistrationDelaySec: 10,
      untilProductionSec: 310,
      untilCompleteSec: 620,
    });
  });

  it("gives AWS's defaults a floor of 150 s to production and 750 s to completion", () => {
    expect(floorOf(AWS_DEFAULT_WAITS)).toMatchObject({ untilProductionSec: 150, untilCompleteSec: 750 });
  });
});
