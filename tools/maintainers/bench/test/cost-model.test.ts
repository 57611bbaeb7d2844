import { describe, expect, it } from "vitest";
import { costModel, HOURS_PER_MONTH, inventory, monthlyCost, PRICES } from "../src/cost-model.ts";
import type { Template } from "../src/deploy-floor.ts";

const SHARED: Template = {
  Resources: {
    Nat: { Type: "AWS::EC2::NatGateway" },
    Eip: { Type: "AWS::EC2::EIP" },
    Key: { Type: "AWS::KMS::Key" },
    PushFailed: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "x" } },
  },
};

const SERVICE: Template = {
  Resources: {
    Lb: { Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Properties: { Subnets: ["a", "b", "c"] } },
    Internal: {
      Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
      Properties: { Scheme: "internal", Subnets: ["a", "b"] },
    },
    Task: {
      Type: "AWS::ECS::TaskDefinition",
      Properties: { Cpu: "512", Memory: "1024", RuntimePlatform: { CpuArchitecture: "ARM64" } },
    },
    Service: { Type: "AWS::ECS::Service", Properties: { DesiredCount: 2 } },
    Scaling: { Type: "AWS::ApplicationAutoScaling::ScalableTarget", Properties: { MinCapacity: 3 } },
    Simple: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "y" } },
    // 5xx share: two metrics read, one expression (free).
    Share: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: { Metrics: [{ MetricStat: {} }, { MetricStat: {} }, { Expression: "m1 / m2" }] },
    },
  },
};

describe("the cost model", () => {
  it("counts what bills by the hour in a template", () => {
    expect(inventory(SERVICE)).toEqual({
      natGateways: 0,
      elasticIps: 0,
      kmsKeys: 0,
      alarmMetrics: 3,
      // The internal load balancer holds no public address.
      loadBalancerZones: [3],
      // The minimum capacity, not the initial desired count.
      tasks: [{ count: 3, vcpu: 0.5, memoryGb: 1, architecture: "ARM64" }],
    });
  });

  it("prices services with a load balancer each, or one shared per 50", () => {
    const model = costModel(inventory(SHARED), inventory(SERVICE));
    const arm = PRICES.fargate.ARM64;
    expect(model.serviceMonth).toBeCloseTo(3 * (0.5 * arm.vcpuHour + arm.gbHour) * HOURS_PER_MONTH + 0.3, 6);
    expect(model.loadBalancerMonth).toBeCloseTo(
      (PRICES.loadBalancerHour + 3 * PRICES.publicIpv4Hour) * HOURS_PER_MONTH,
      6,
    );
    expect(model.sharedMonth).toBeCloseTo(
      (PRICES.natGatewayHour + PRICES.publicIpv4Hour) * HOURS_PER_MONTH + PRICES.kmsKeyMonth + 0.1,
      6,
    );
    const shared = (n: number) => monthlyCost(model, n, "shared");
    const dedicated = (n: number) => monthlyCost(model, n, "dedicated");
    expect(shared(1)).toBeCloseTo(dedicated(1), 6);
    expect(dedicated(50) - shared(50)).toBeCloseTo(49 * model.loadBalancerMonth, 6);
    // The 51st service opens a second shared load balancer.
    expect(shared(51) - shared(50)).toBeCloseTo(model.serviceMonth + model.loadBalancerMonth, 6);
  });
});
