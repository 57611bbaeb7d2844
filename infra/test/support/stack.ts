// Test support for testing one construct on its own: a bare Stack with an env, and cheap stand-ins (imported, not
// created) for what the construct is given. No repository, no buildInfra, no Lambda bundle, no image asset.
import { parseServiceManifest, type ServiceManifest, type ServiceManifestInput } from "@repo/service-contract";
import { Duration, type Environment, Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as s3 from "aws-cdk-lib/aws-s3";
import { ServiceListenerRules, type ServiceListenerRulesProps } from "../../lib/constructs/service-listener-rules.ts";
import { ServiceLoadBalancer, type ServiceLoadBalancerProps } from "../../lib/constructs/service-load-balancer.ts";
import { createApp } from "../../lib/infra-app.ts";
import { temporaryDir } from "./temporary.ts";

/** A concrete account and region, so ARNs and region-dependent choices resolve to literals. */
export const UNIT_ENV = { account: "123456789012", region: "us-east-1" } as const satisfies Environment;

/**
 * A Stack alone in an App with cdk.json's context (the feature flags `cdk synth` uses), synthesized into a temporary
 * folder, without CDK's built-in CloudFormation validation (seconds per synth; the whole-app test runs it).
 */
export function bareStack(env: Environment = UNIT_ENV): Stack {
  return new Stack(createApp({ outdir: temporaryDir("unit"), cfnValidation: false }), "Unit", { env });
}

/** A service manifest with the contract's defaults filled in, as discovery would read it. */
export function serviceManifest(input: ServiceManifestInput): ServiceManifest {
  return parseServiceManifest(input, `apps/${input.name}/service.json`);
}

export const VPC_ATTRIBUTES = {
  vpcId: "vpc-0123456789abcdef0",
  vpcCidrBlock: "10.0.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
  publicSubnetRouteTableIds: ["rtb-public-a", "rtb-public-b"],
  privateSubnetRouteTableIds: ["rtb-private-a", "rtb-private-b"],
} as const;

/** A VPC (10.0.0.0/16) with two public and two private subnets, imported: no VPC resources in the template. */
export function importedVpc(scope: Stack): ec2.IVpc {
  const copy = (values: readonly string[]) => [...values];
  return ec2.Vpc.fromVpcAttributes(scope, "ImportedVpc", {
    vpcId: VPC_ATTRIBUTES.vpcId,
    vpcCidrBlock: VPC_ATTRIBUTES.vpcCidrBlock,
    availabilityZones: copy(VPC_ATTRIBUTES.availabilityZones),
    publicSubnetIds: copy(VPC_ATTRIBUTES.publicSubnetIds),
    privateSubnetIds: copy(VPC_ATTRIBUTES.privateSubnetIds),
    publicSubnetRouteTableIds: copy(VPC_ATTRIBUTES.publicSubnetRouteTableIds),
    privateSubnetRouteTableIds: copy(VPC_ATTRIBUTES.privateSubnetRouteTableIds),
  });
}

export const LOGS_BUCKET_NAME = "unit-logs";

/** What a service's target groups are made with (port, health path, deregistration delay), in every helper below. */
export const SERVICE_TARGET = {
  containerPort: 3000,
  healthCheckPath: "/health",
  deregistrationDelay: Duration.seconds(25),
} as const;

/** A ServiceLoadBalancer in an imported VPC, logging to an imported bucket, for the constructs that are given one. */
export function serviceLoadBalancer(
  scope: Stack,
  props: Partial<ServiceLoadBalancerProps> = {},
  id = "LoadBalancer",
): ServiceLoadBalancer {
  return new ServiceLoadBalancer(scope, id, {
    vpc: props.vpc ?? importedVpc(scope),
    serviceName: "orders",
    ...SERVICE_TARGET,
    testListenerPort: 8080,
    testListenerAllowedCidrs: [],
    logsBucket: s3.Bucket.fromBucketName(scope, "LogsBucket", LOGS_BUCKET_NAME),
    ...props,
  });
}

/** A shared load balancer's listeners and security group, as a service stack imports them. */
export const SHARED_LISTENERS = {
  productionListenerArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared-0/0123456789abcdef/1111111111111111",
  testListenerArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared-0/0123456789abcdef/2222222222222222",
  loadBalancerSecurityGroupId: "sg-0123456789abcdef0",
  baseUrl: "http://shared-0.example",
  testBaseUrl: "http://shared-0.example:8080",
} as const;

/** A service's listener rules on the imported shared listeners, routed under /orders at priority 7 unless told. */
export function serviceListenerRules(
  scope: Stack,
  props: Partial<ServiceListenerRulesProps> = {},
  id = "Routes",
): ServiceListenerRules {
  return new ServiceListenerRules(scope, id, {
    vpc: props.vpc ?? importedVpc(scope),
    ...SERVICE_TARGET,
    route: { pathPrefix: "/orders", hosts: [], priority: 7 },
    ...SHARED_LISTENERS,
    ...props,
  });
}
