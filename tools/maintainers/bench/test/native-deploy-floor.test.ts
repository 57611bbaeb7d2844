import { parseServiceManifest } from "@repo/service-contract";
import { describe, expect, it } from "vitest";
import { floorOf, type Template, TemplateShapeError } from "../src/deploy-floor.ts";
import { manifestTiming, nativeServices, nativeWaits } from "../src/native-deploy-floor.ts";

const GROUP = {
  Type: "AWS::ElasticLoadBalancingV2::TargetGroup",
  Properties: {
    HealthCheckIntervalSeconds: 5,
    HealthyThresholdCount: 2,
    TargetGroupAttributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "25" }],
  },
};

/** An ECS-controlled service as infra synthesizes it: primary and alternate target groups, a LINEAR configuration. */
function nativeTemplate(deploymentConfiguration: Record<string, unknown>): Template {
  return {
    Resources: {
      Primary: GROUP,
      Alternate: { ...GROUP, Properties: { ...GROUP.Properties, HealthyThresholdCount: 3 } },
      Service: {
        Type: "AWS::ECS::Service",
        Properties: {
          DeploymentController: { Type: "ECS" },
          DeploymentConfiguration: deploymentConfiguration,
          LoadBalancers: [
            {
              ContainerName: "catalog",
              TargetGroupArn: { Ref: "Primary" },
              AdvancedConfiguration: { AlternateTargetGroupArn: { Ref: "Alternate" } },
            },
          ],
        },
      },
    },
  };
}

describe("the ECS engine's deploy floor", () => {
  it("reads the strategy, bake time and both target groups of an ECS-controlled service", () => {
    const [service] = nativeServices(
      nativeTemplate({
        Strategy: "LINEAR",
        BakeTimeInMinutes: 5,
        LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 2 },
      }),
      "catalog.template.json",
    );
    expect(service?.service).toBe("catalog");
    // The slower of the two groups: 3 healthy checks.
    expect(service?.targetGroups).toEqual({
      healthCheckIntervalSec: 5,
      healthyThresholdCount: 3,
      deregistrationDelaySec: 25,
    });
    const waits = nativeWaits(service?.timing ?? {}, service?.targetGroups ?? GROUP_WAITS);
    // 25 % steps: four steps, three waits of 2 min between them; then 5 min of bake time.
    expect(waits.bakeSec).toBe(360);
    expect(waits.terminationWaitMin).toBe(5);
    expect(floorOf(waits)).toMatchObject({ untilProductionSec: 15 + 360, untilCompleteSec: 15 + 360 + 300 + 25 });
  });

  it("leaves out services that CodeDeploy deploys, and names the template of one without target groups", () => {
    const codeDeploy = nativeTemplate({});
    const service = codeDeploy.Resources?.Service?.Properties;
    if (service) service.DeploymentController = { Type: "CODE_DEPLOY" };
    expect(nativeServices(codeDeploy, "t")).toEqual([]);

    const bare = nativeTemplate({ Strategy: "BLUE_GREEN", BakeTimeInMinutes: 1 });
    delete bare.Resources?.Primary;
    delete bare.Resources?.Alternate;
    expect(() => nativeServices(bare, "x.template.json")).toThrow(
      new TemplateShapeError("x.template.json: Service: no target group found for the ECS service"),
    );
  });

  it("gives a CodeDeploy service's settings their ECS equivalent through the contract", () => {
    const manifest = parseServiceManifest(
      {
        name: "orders",
        port: 3000,
        deployment: { strategy: "canary", percent: 10, intervalMinutes: 3, terminationWaitMinutes: 2 },
      },
      "service.json",
    );
    const waits = nativeWaits(manifestTiming(manifest), GROUP_WAITS);
    expect(waits).toMatchObject({ bakeSec: 180, terminationWaitMin: 2 });
    expect(waits.deploymentConfigName).toMatch(/^ECS canary, 10% for 3 min/);
  });
});

const GROUP_WAITS = { healthCheckIntervalSec: 5, healthyThresholdCount: 2, deregistrationDelaySec: 25 };
