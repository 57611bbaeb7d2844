// What ServiceLoadBalancer adds to the internet-facing load balancer it is made of (internet-facing-alb.test.ts):
// CodeDeploy's blue and green target groups, on the listeners' default actions.
import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { LOAD_BALANCER_LOG_PREFIX } from "../../lib/constructs/log-storage.ts";
import type { ServiceLoadBalancer } from "../../lib/constructs/service-load-balancer.ts";
import { bareStack, serviceLoadBalancer } from "../support/stack.ts";

const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

function loadBalancer(certificateArn?: string): { stack: Stack; lb: ServiceLoadBalancer; template: Template } {
  const stack = bareStack();
  const lb = serviceLoadBalancer(stack, certificateArn ? { certificateArn } : {});
  return { stack, lb, template: Template.fromStack(stack) };
}

const forwardTo = (stack: Stack, group: ServiceLoadBalancer["blueTargetGroup"]) => [
  { Type: "forward", TargetGroupArn: stack.resolve(group.targetGroupArn) },
];

describe("ServiceLoadBalancer", () => {
  const { stack, lb, template } = loadBalancer();

  it("has a blue and a green target group on the container port with the service's health path", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    template.allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 3000,
      HealthCheckPath: "/health",
    });
    // The traffic the alarms and the Fargate service see: blue first, green next.
    expect(lb.primaryTargetGroup).toBe(lb.blueTargetGroup);
    expect(lb.alternateTargetGroup).toBe(lb.greenTargetGroup);
    expect(lb.loadBalancerSecurityGroup).toBe(lb.securityGroup);
  });

  it("forwards production traffic to the blue group and the test port to the green group", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      DefaultActions: forwardTo(stack, lb.blueTargetGroup),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      DefaultActions: forwardTo(stack, lb.greenTargetGroup),
    });
  });

  it("logs under alb/<service> and gives the load balancer's URLs", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: "access_logs.s3.prefix", Value: `${LOAD_BALANCER_LOG_PREFIX}/orders` },
      ]),
    });
    const dns = stack.resolve(lb.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(lb.serviceUrl)).toEqual({ "Fn::Join": ["", ["http://", dns]] });
    expect(stack.resolve(lb.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
  });
});

describe("ServiceLoadBalancer with a certificate", () => {
  it("forwards HTTPS production traffic to blue and the plain-HTTP test port to green", () => {
    const { stack, lb, template } = loadBalancer(CERTIFICATE);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      DefaultActions: forwardTo(stack, lb.blueTargetGroup),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 8080,
      Protocol: "HTTP",
      DefaultActions: forwardTo(stack, lb.greenTargetGroup),
    });
  });
});
