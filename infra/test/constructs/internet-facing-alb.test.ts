import { LOAD_BALANCER_IDLE_TIMEOUT_SECONDS } from "@repo/service-contract";
import { Duration, type Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createInternetFacingAlb,
  HEALTH_CHECK,
  type InternetFacingAlb,
  serviceTargetGroup,
} from "../../lib/constructs/internet-facing-alb.ts";
import { LOAD_BALANCER_LOG_PREFIX } from "../../lib/constructs/log-storage.ts";
import { bareStack, importedVpc, LOGS_BUCKET_NAME, VPC_ATTRIBUTES } from "../support/stack.ts";

const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
const ALLOWED = ["203.0.113.0/24", "198.51.100.7/32"];
const PRODUCTION = elbv2.ListenerAction.fixedResponse(200, { messageBody: "production" });
const TEST = elbv2.ListenerAction.fixedResponse(200, { messageBody: "test" });

function alb(certificateArn?: string): { stack: Stack; alb: InternetFacingAlb; template: Template } {
  const stack = bareStack();
  const created = createInternetFacingAlb(
    stack,
    {
      vpc: importedVpc(stack),
      name: "shared-0",
      ...(certificateArn ? { certificateArn } : {}),
      testListenerPort: 8080,
      testListenerAllowedCidrs: ALLOWED,
      logsBucket: s3.Bucket.fromBucketName(stack, "LogsBucket", LOGS_BUCKET_NAME),
    },
    { production: PRODUCTION, test: TEST },
  );
  return { stack, alb: created, template: Template.fromStack(stack) };
}

/** The ingress rules of the load balancer's security group (inline, as CDK renders CIDR peers). */
function ingress(template: Template): { CidrIp: string; FromPort: number; ToPort: number; IpProtocol: string }[] {
  const rules = new Capture();
  template.hasResourceProperties("AWS::EC2::SecurityGroup", { SecurityGroupIngress: rules });
  return rules.asArray();
}

const fixed = (body: string) => [
  { Type: "fixed-response", FixedResponseConfig: { StatusCode: "200", MessageBody: body } },
];

describe("createInternetFacingAlb over plain HTTP", () => {
  let stack: Stack;
  let created: InternetFacingAlb;
  let template: Template;
  beforeAll(() => {
    ({ stack, alb: created, template } = alb());
  });

  it("is internet-facing in the public subnets, drops invalid headers, the contract's idle timeout, logs under alb/<name>", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    const attributes = new Capture();
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      Scheme: "internet-facing",
      Subnets: [...VPC_ATTRIBUTES.publicSubnetIds],
      SecurityGroups: [stack.resolve(created.securityGroup.securityGroupId)],
      LoadBalancerAttributes: attributes,
    });
    const byKey = Object.fromEntries(
      (attributes.asArray() as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]),
    );
    expect(byKey).toMatchObject({
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "idle_timeout.timeout_seconds": String(LOAD_BALANCER_IDLE_TIMEOUT_SECONDS),
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": LOGS_BUCKET_NAME,
      "access_logs.s3.prefix": `${LOAD_BALANCER_LOG_PREFIX}/shared-0`,
    });
  });

  it("serves production on 80 and the test port over HTTP, each with the default action it is given, nothing else", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 2);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      Protocol: "HTTP",
      DefaultActions: fixed("production"),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      Protocol: "HTTP",
      DefaultActions: fixed("test"),
    });
  });

  it("admits HTTP from anywhere and the test port only from the allowed CIDRs, and sends nothing out by itself", () => {
    expect(ingress(template)).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 80, ToPort: 80, IpProtocol: "tcp" }),
      ...ALLOWED.map((cidr) => expect.objectContaining({ CidrIp: cidr, FromPort: 8080, ToPort: 8080 })),
    ]);
    // CDK's "allow no traffic" placeholder rule: no real egress (whoever routes to targets opens it).
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: "255.255.255.255/32" })],
    });
  });

  it("gives the production URL over http and the test URL on the test port", () => {
    const dns = stack.resolve(created.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(created.url)).toEqual({ "Fn::Join": ["", ["http://", dns]] });
    expect(stack.resolve(created.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
  });
});

describe("createInternetFacingAlb with a certificate", () => {
  let stack: Stack;
  let created: InternetFacingAlb;
  let template: Template;
  beforeAll(() => {
    ({ stack, alb: created, template } = alb(CERTIFICATE));
  });

  it("serves production on 443 with the certificate and the recommended TLS policy", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [{ CertificateArn: CERTIFICATE }],
      SslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      DefaultActions: fixed("production"),
    });
  });

  it("redirects HTTP on 80 to HTTPS permanently", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      Protocol: "HTTP",
      DefaultActions: [
        { Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } },
      ],
    });
  });

  it("keeps the test listener on plain HTTP (the hook calls the DNS name no certificate names)", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 3);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      Protocol: "HTTP",
      Certificates: Match.absent(),
      DefaultActions: fixed("test"),
    });
    const dns = stack.resolve(created.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(created.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
  });

  it("admits 443 from anywhere as well, and gives an https production URL", () => {
    expect(ingress(template)).toEqual(
      expect.arrayContaining([expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443 })]),
    );
    const dns = stack.resolve(created.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(created.url)).toEqual({ "Fn::Join": ["", ["https://", dns]] });
  });
});

describe("serviceTargetGroup", () => {
  it("registers task IPs on the container port, health checks tuned, the deregistration delay it is given", () => {
    const stack = bareStack();
    serviceTargetGroup(stack, "Group", {
      vpc: importedVpc(stack),
      containerPort: 3000,
      healthCheckPath: "/healthz",
      deregistrationDelay: Duration.seconds(25),
    });
    Template.fromStack(stack).hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      TargetType: "ip",
      Port: 3000,
      Protocol: "HTTP",
      VpcId: VPC_ATTRIBUTES.vpcId,
      HealthCheckPath: "/healthz",
      HealthCheckIntervalSeconds: HEALTH_CHECK.interval.toSeconds(),
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeout.toSeconds(),
      HealthyThresholdCount: HEALTH_CHECK.healthyThresholdCount,
      UnhealthyThresholdCount: HEALTH_CHECK.unhealthyThresholdCount,
      Matcher: { HttpCode: "200" },
      TargetGroupAttributes: Match.arrayWith([{ Key: "deregistration_delay.timeout_seconds", Value: "25" }]),
    });
    // What it promises: healthy after 2 × 5 s (not 5 × 30 s); drained in the delay it is given (not 300 s).
    expect(HEALTH_CHECK.healthyThresholdCount * HEALTH_CHECK.interval.toSeconds()).toBe(10);
  });
});
