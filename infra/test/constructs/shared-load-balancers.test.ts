import { SERVICES_PER_SHARED_LOAD_BALANCER, sharedLoadBalancerIndex } from "@repo/service-contract";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import { describe, expect, it } from "vitest";
import { LOAD_BALANCER_LOG_PREFIX } from "../../lib/constructs/log-storage.ts";
import { SharedLoadBalancers } from "../../lib/constructs/shared-load-balancers.ts";
import { bareStack, importedVpc, LOGS_BUCKET_NAME } from "../support/stack.ts";

const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

function shared(indexes: number[], certificateArn?: string) {
  const stack = bareStack();
  const balancers = new SharedLoadBalancers(stack, "SharedLoadBalancers", {
    vpc: importedVpc(stack),
    indexes,
    ...(certificateArn ? { certificateArn } : {}),
    testListenerPort: 8080,
    testListenerAllowedCidrs: ["203.0.113.0/24"],
    logsBucket: s3.Bucket.fromBucketName(stack, "LogsBucket", LOGS_BUCKET_NAME),
  });
  return { stack, balancers, template: Template.fromStack(stack) };
}

/** The rule priorities of `count` services on the shared load balancers, 1, 2, ... as the generator hands them out. */
const priorities = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

describe("SharedLoadBalancers", () => {
  it(`holds ${SERVICES_PER_SHARED_LOAD_BALANCER} services on one load balancer, and starts the next with one more`, () => {
    const full = shared(priorities(SERVICES_PER_SHARED_LOAD_BALANCER).map(sharedLoadBalancerIndex));
    full.template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    expect(full.balancers.all.map(([index]) => index)).toEqual([0]);

    const more = shared(priorities(SERVICES_PER_SHARED_LOAD_BALANCER + 1).map(sharedLoadBalancerIndex));
    more.template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 2);
    expect(more.balancers.all.map(([index]) => index)).toEqual([0, 1]);
  });

  it("creates only the load balancers some service is on, each logging under its own prefix", () => {
    // Services only on the second (every service on the first removed): the first is not kept for nobody.
    const { balancers, template } = shared([1, 1]);
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: "access_logs.s3.prefix", Value: `${LOAD_BALANCER_LOG_PREFIX}/shared-1` },
      ]),
    });
    expect(balancers.get(1)).toBeDefined();
    expect(() => balancers.get(0)).toThrow(/no shared load balancer 0: the shared stack was built for 1/);
  });

  it("keeps a load balancer's resources where they were when another is added (same logical ids, same properties)", () => {
    const one = shared([0]).template.toJSON().Resources as Record<string, unknown>;
    const two = shared([0, 1]).template.toJSON().Resources as Record<string, unknown>;
    const ofFirst = (resources: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(resources).filter(([id]) => id.startsWith("SharedLoadBalancersShared0")));
    expect(Object.keys(ofFirst(one)).length).toBeGreaterThan(0);
    expect(ofFirst(two)).toEqual(ofFirst(one));
  });

  it("gives every load balancer the certificate, the test listener's port and who may call it", () => {
    const { template } = shared([0, 1], CERTIFICATE);
    template.resourcePropertiesCountIs(
      "AWS::ElasticLoadBalancingV2::Listener",
      { Port: 443, Certificates: [{ CertificateArn: CERTIFICATE }] },
      2,
    );
    template.resourcePropertiesCountIs("AWS::ElasticLoadBalancingV2::Listener", { Port: 8080, Protocol: "HTTP" }, 2);
    template.resourcePropertiesCountIs(
      "AWS::EC2::SecurityGroup",
      { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: "203.0.113.0/24", FromPort: 8080 })]) },
      2,
    );
  });
});
