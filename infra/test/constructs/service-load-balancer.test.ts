import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { beforeAll, describe, expect, it } from "vitest";
import { LOAD_BALANCER_LOG_PREFIX } from "../../lib/constructs/log-storage.ts";
import { HEALTH_CHECK, type ServiceLoadBalancer } from "../../lib/constructs/service-load-balancer.ts";
import { bareStack, LOGS_BUCKET_NAME, serviceLoadBalancer, VPC_ATTRIBUTES } from "../support/stack.ts";

const DEREGISTRATION_DELAY_SECONDS = 25;
const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
const ALLOWED = ["203.0.113.0/24", "198.51.100.7/32"];

function loadBalancer(certificateArn?: string): { stack: Stack; lb: ServiceLoadBalancer; template: Template } {
  const stack = bareStack();
  const lb = serviceLoadBalancer(stack, {
    testListenerAllowedCidrs: ALLOWED,
    ...(certificateArn ? { certificateArn } : {}),
  });
  return { stack, lb, template: Template.fromStack(stack) };
}

/** The ingress rules of the load balancer's security group (inline, as CDK renders CIDR peers). */
function ingress(template: Template): { CidrIp: string; FromPort: number; ToPort: number; IpProtocol: string }[] {
  const rules = new Capture();
  template.hasResourceProperties("AWS::EC2::SecurityGroup", { SecurityGroupIngress: rules });
  return rules.asArray();
}

describe("ServiceLoadBalancer over plain HTTP", () => {
  let stack: Stack;
  let lb: ServiceLoadBalancer;
  let template: Template;
  beforeAll(() => {
    ({ stack, lb, template } = loadBalancer());
  });

  it("is internet-facing in the public subnets, drops invalid headers, 60 s idle timeout, logs under alb/<service>", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    const attributes = new Capture();
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      Scheme: "internet-facing",
      Subnets: [...VPC_ATTRIBUTES.publicSubnetIds],
      SecurityGroups: [stack.resolve(lb.securityGroup.securityGroupId)],
      LoadBalancerAttributes: attributes,
    });
    const byKey = Object.fromEntries(
      (attributes.asArray() as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]),
    );
    expect(byKey).toMatchObject({
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "idle_timeout.timeout_seconds": "60",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": LOGS_BUCKET_NAME,
      "access_logs.s3.prefix": `${LOAD_BALANCER_LOG_PREFIX}/orders`,
    });
  });

  it("forwards production traffic on 80 to the blue group and the test port to the green group, nothing else", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 2);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      Protocol: "HTTP",
      DefaultActions: [{ Type: "forward", TargetGroupArn: stack.resolve(lb.blueTargetGroup.targetGroupArn) }],
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      Protocol: "HTTP",
      DefaultActions: [{ Type: "forward", TargetGroupArn: stack.resolve(lb.greenTargetGroup.targetGroupArn) }],
    });
  });

  it("admits HTTP from anywhere and the test port only from the allowed CIDRs, and sends nothing out by itself", () => {
    expect(ingress(template)).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 80, ToPort: 80, IpProtocol: "tcp" }),
      ...ALLOWED.map((cidr) => expect.objectContaining({ CidrIp: cidr, FromPort: 8080, ToPort: 8080 })),
    ]);
    // CDK's "allow no traffic" placeholder rule: no real egress.
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: "255.255.255.255/32" })],
    });
  });

  it("has two ip target groups on the container port, health checks tuned, a short deregistration delay", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    template.allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      TargetType: "ip",
      Port: 3000,
      Protocol: "HTTP",
      VpcId: VPC_ATTRIBUTES.vpcId,
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: HEALTH_CHECK.interval.toSeconds(),
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeout.toSeconds(),
      HealthyThresholdCount: HEALTH_CHECK.healthyThresholdCount,
      UnhealthyThresholdCount: HEALTH_CHECK.unhealthyThresholdCount,
      Matcher: { HttpCode: "200" },
      TargetGroupAttributes: Match.arrayWith([
        { Key: "deregistration_delay.timeout_seconds", Value: String(DEREGISTRATION_DELAY_SECONDS) },
      ]),
    });
    // What it promises: healthy after 2 × 5 s (not 5 × 30 s); drained in the delay it is given (not 300 s).
    expect(HEALTH_CHECK.healthyThresholdCount * HEALTH_CHECK.interval.toSeconds()).toBe(10);
  });

  it("gives the service URL over http and the test URL on the test port", () => {
    const dns = stack.resolve(lb.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(lb.serviceUrl)).toEqual({ "Fn::Join": ["", ["http://", dns]] });
    expect(stack.resolve(lb.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
  });
});

describe("ServiceLoadBalancer with a certificate", () => {
  let stack: Stack;
  let lb: ServiceLoadBalancer;
  let template: Template;
  beforeAll(() => {
    ({ stack, lb, template } = loadBalancer(CERTIFICATE));
  });

  it("serves production on 443 with the certificate and the recommended TLS policy, forwarding to blue", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [{ CertificateArn: CERTIFICATE }],
      SslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      DefaultActions: [{ Type: "forward", TargetGroupArn: stack.resolve(lb.blueTargetGroup.targetGroupArn) }],
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

  it("keeps the test listener on plain HTTP (the hook calls the DNS name no certificate names), forwarding to green", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 3);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      Protocol: "HTTP",
      Certificates: Match.absent(),
      DefaultActions: [{ Type: "forward", TargetGroupArn: stack.resolve(lb.greenTargetGroup.targetGroupArn) }],
    });
    const dns = stack.resolve(lb.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(lb.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
  });

  it("admits 443 from anywhere as well, and gives an https service URL", () => {
    expect(ingress(template)).toEqual(
      expect.arrayContaining([expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443 })]),
    );
    const dns = stack.resolve(lb.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(lb.serviceUrl)).toEqual({ "Fn::Join": ["", ["https://", dns]] });
  });
});
