// What RoutingLoadBalancer adds to the internet-facing load balancer it is made of (internet-facing-alb.test.ts): a
// JSON 404 for whatever no service's rule matches, and egress to the services' tasks.
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { RoutingLoadBalancer } from "../../lib/constructs/routing-load-balancer.ts";
import { bareStack, importedVpc, LOGS_BUCKET_NAME, VPC_ATTRIBUTES } from "../support/stack.ts";

describe("RoutingLoadBalancer", () => {
  let stack: Stack;
  let lb: RoutingLoadBalancer;
  let template: Template;
  beforeAll(() => {
    stack = bareStack();
    lb = new RoutingLoadBalancer(stack, "Shared0", {
      vpc: importedVpc(stack),
      name: "shared-0",
      testListenerPort: 8080,
      testListenerAllowedCidrs: [],
      logsBucket: s3.Bucket.fromBucketName(stack, "LogsBucket", LOGS_BUCKET_NAME),
    });
    template = Template.fromStack(stack);
  });

  it("answers what no service's rule matches with a JSON 404, on the production and the test listener", () => {
    const body = new Capture();
    const notRouted = [
      {
        Type: "fixed-response",
        FixedResponseConfig: { StatusCode: "404", ContentType: "application/json", MessageBody: body },
      },
    ];
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 2);
    template.resourcePropertiesCountIs("AWS::ElasticLoadBalancingV2::Listener", { DefaultActions: notRouted }, 2);
    expect(JSON.parse(body.asString())).toEqual({
      error: { code: "not_found", message: expect.stringMatching(/no service/i) },
    });
  });

  it("brings neither target groups nor rules: the services add theirs", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 0);
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::ListenerRule", 0);
  });

  it("sends requests only into the VPC, on the ports services listen on (1024 and up)", () => {
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: VPC_ATTRIBUTES.vpcCidrBlock, IpProtocol: "tcp", FromPort: 1024, ToPort: 65535 }),
      ],
    });
  });

  it("exposes its listeners, security group and URLs for the services' rules", () => {
    const dns = stack.resolve(lb.alb.loadBalancer.loadBalancerDnsName);
    expect(stack.resolve(lb.alb.url)).toEqual({ "Fn::Join": ["", ["http://", dns]] });
    expect(stack.resolve(lb.alb.testUrl)).toEqual({ "Fn::Join": ["", ["http://", dns, ":8080"]] });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      SecurityGroups: [stack.resolve(lb.alb.securityGroup.securityGroupId)],
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      LoadBalancerArn: stack.resolve(lb.alb.loadBalancer.loadBalancerArn),
    });
    expect(stack.resolve(lb.alb.productionListener.listenerArn)).not.toEqual(
      stack.resolve(lb.alb.testListener.listenerArn),
    );
  });
});
