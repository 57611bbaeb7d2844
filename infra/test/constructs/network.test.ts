import {
  DeploymentConfigError,
  type NetworkConfig,
  type NewVpcConfig,
  parseDeploymentConfig,
  resolveEnvironment,
} from "@repo/service-contract";
import type { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as logs from "aws-cdk-lib/aws-logs";
import { beforeAll, describe, expect, it } from "vitest";
import { Network } from "../../lib/constructs/network.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

const CONFIG_FILE = "deployment.config.json";

function network(config: NetworkConfig, placeholder = false): { stack: Stack; network: Network } {
  const stack = bareStack();
  const construct = new Network(stack, "Network", {
    network: config,
    environment: resolveEnvironment(placeholder ? {} : UNIT_ENV, {}),
    logRetention: logs.RetentionDays.TWO_MONTHS,
    configFile: CONFIG_FILE,
  });
  return { stack, network: construct };
}

/** The config's `network` after defaults, as the app reads it. */
const networkConfig = (input: object = {}) => parseDeploymentConfig({ network: input }, CONFIG_FILE).network;

describe("Network, a new VPC with the default settings", () => {
  const config = networkConfig() as NewVpcConfig;
  let stack: Stack;
  let construct: Network;
  let template: Template;
  beforeAll(() => {
    ({ stack, network: construct } = network(config));
    template = Template.fromStack(stack);
  });

  it("spans the default AZs with one public and one private subnet each, over the default range, none assigning public IPs", () => {
    expect(config).toEqual({ kind: "new", cidr: "10.0.0.0/16", maxAzs: 2, natGateways: 1 });
    template.hasResourceProperties("AWS::EC2::VPC", { CidrBlock: "10.0.0.0/16" });
    for (const type of ["Public", "Private"]) {
      template.resourcePropertiesCountIs(
        "AWS::EC2::Subnet",
        { Tags: Match.arrayWith([{ Key: "aws-cdk:subnet-type", Value: type }]) },
        2,
      );
    }
    template.resourcePropertiesCountIs("AWS::EC2::Subnet", { MapPublicIpOnLaunch: false }, 4);
    template.resourceCountIs("AWS::EC2::NatGateway", 1);
  });

  // CDK's Vpc still reads its stack's availabilityZones (to check these against them): the shared stack answers
  // with the same tokens, so the whole app synthesizes without a lookup (safety.test.ts, "offline synthesis").
  it("places its subnets in AZs picked at deploy time (Fn::GetAZs), not in looked-up ones", () => {
    template.allResourcesProperties("AWS::EC2::Subnet", {
      AvailabilityZone: { "Fn::Select": [Match.anyValue(), { "Fn::GetAZs": "" }] },
    });
  });

  it("logs rejected flows to a retained log group with the given retention", () => {
    template.hasResourceProperties("AWS::EC2::FlowLog", {
      ResourceType: "VPC",
      TrafficType: "REJECT",
      LogDestinationType: "cloud-watch-logs",
    });
    template.hasResource("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 60 }, DeletionPolicy: "Retain" });
  });

  it("strips the default security group of its rules", () => {
    template.resourceCountIs("Custom::VpcRestrictDefaultSG", 1);
  });

  it("names its NAT gateway's public address as the egress CIDR (/32) the test listener admits", () => {
    const [eip] = Object.keys(template.findResources("AWS::EC2::EIP"));
    expect(stack.resolve(construct.egressCidrs)).toEqual([
      { "Fn::Join": ["", [{ "Fn::GetAtt": [eip, "PublicIp"] }, "/32"]] },
    ]);
  });
});

describe("Network, a new VPC as configured", () => {
  it("follows the configured range, AZ count and NAT gateways, one egress CIDR per NAT gateway", () => {
    const { stack, network: construct } = network(networkConfig({ cidr: "10.20.0.0/16", maxAzs: 3, natGateways: 2 }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::EC2::VPC", { CidrBlock: "10.20.0.0/16" });
    template.resourceCountIs("AWS::EC2::Subnet", 6);
    template.resourceCountIs("AWS::EC2::NatGateway", 2);
    expect(construct.egressCidrs).toHaveLength(2);
  });
});

describe("Network, an existing VPC", () => {
  const existing = networkConfig({ vpcId: "vpc-0123456789abcdef0", egressCidrs: ["198.51.100.10/32"] });

  it("is looked up by id (a context lookup: real account and region), creating nothing, with the configured egress", () => {
    const { stack, network: construct } = network(existing);
    Template.fromStack(stack).resourceCountIs("AWS::EC2::VPC", 0);
    expect(construct.egressCidrs).toEqual(["198.51.100.10/32"]);
    const missing = (stack.node.root as App).synth().manifest.missing ?? [];
    expect(missing).toEqual([
      expect.objectContaining({
        provider: "vpc-provider",
        props: expect.objectContaining({ account: UNIT_ENV.account, region: UNIT_ENV.region }),
      }),
    ]);
  });

  it("is refused without a real account and region, naming the config file and field", () => {
    expect(() => network(existing, true)).toThrow(DeploymentConfigError);
    expect(() => network(existing, true)).toThrow(
      /deployment\.config\.json: network\.vpcId: looking up vpc-0123456789abcdef0 needs a real account and region/,
    );
  });
});
