import type { ServiceRoute } from "@repo/service-contract";
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceListenerRules } from "../../lib/constructs/service-listener-rules.ts";
import { bareStack, importedVpc, SHARED_LISTENERS, serviceListenerRules, VPC_ATTRIBUTES } from "../support/stack.ts";

const RULE = "AWS::ElasticLoadBalancingV2::ListenerRule";

function routes(route: ServiceRoute): { stack: Stack; rules: ServiceListenerRules; template: Template } {
  const stack = bareStack();
  const rules = serviceListenerRules(stack, { route });
  return { stack, rules, template: Template.fromStack(stack) };
}

/** The properties of the listener rules whose logical ids start with `prefix`, by listener. */
function ruleProperties(template: Template, prefix = ""): Record<string, unknown>[] {
  return Object.entries(template.findResources(RULE))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, rule]) => rule.Properties as Record<string, unknown>)
    .sort((a, b) => String(a.ListenerArn).localeCompare(String(b.ListenerArn)));
}

describe("ServiceListenerRules under a path prefix", () => {
  let stack: Stack;
  let rules: ServiceListenerRules;
  let template: Template;
  beforeAll(() => {
    ({ stack, rules, template } = routes({ pathPrefix: "/orders", hosts: [], priority: 7 }));
  });

  it("creates the primary and the alternate target group on the container port, with the service's health path", () => {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    template.allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      TargetType: "ip",
      Port: 3000,
      VpcId: VPC_ATTRIBUTES.vpcId,
      HealthCheckPath: "/health",
    });
    expect(stack.resolve(rules.primaryTargetGroup.targetGroupArn)).not.toEqual(
      stack.resolve(rules.alternateTargetGroup.targetGroupArn),
    );
  });

  it("puts a production rule on the production listener and a test rule on the test listener, at the route's priority", () => {
    template.resourceCountIs(RULE, 2);
    for (const listenerArn of [SHARED_LISTENERS.productionListenerArn, SHARED_LISTENERS.testListenerArn]) {
      template.resourcePropertiesCountIs(RULE, { ListenerArn: listenerArn, Priority: 7 }, 1);
    }
    expect(stack.resolve(rules.productionRule.listenerRuleArn)).not.toEqual(
      stack.resolve(rules.testRule.listenerRuleArn),
    );
  });

  it("forwards to both groups, the alternate at weight 0: the shape whose weights ECS moves", () => {
    template.allResourcesProperties(RULE, {
      Actions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: stack.resolve(rules.primaryTargetGroup.targetGroupArn), Weight: 1 },
              { TargetGroupArn: stack.resolve(rules.alternateTargetGroup.targetGroupArn), Weight: 0 },
            ],
          },
        },
      ],
    });
  });

  it("matches the prefix and everything under it, and removes the prefix before the request reaches the service", () => {
    template.allResourcesProperties(RULE, {
      Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/orders", "/orders/*"] } }],
      Transforms: [
        { Type: "url-rewrite", UrlRewriteConfig: { Rewrites: [{ Regex: "^/orders/?(.*)$", Replace: "/$1" }] } },
      ],
    });
    // What the rewrite does to requests, with the regex ALB is given.
    const regex = new Capture();
    template.hasResourceProperties(RULE, { Transforms: [{ UrlRewriteConfig: { Rewrites: [{ Regex: regex }] } }] });
    const apply = (path: string) => path.replace(new RegExp(regex.asString()), "/$1");
    expect(["/orders", "/orders/", "/orders/greetings/7"].map(apply)).toEqual(["/", "/", "/greetings/7"]);
  });

  it("adds the prefix to the shared load balancer's URLs", () => {
    expect(rules.serviceUrl).toBe(`${SHARED_LISTENERS.baseUrl}/orders`);
    expect(rules.testUrl).toBe(`${SHARED_LISTENERS.testBaseUrl}/orders`);
  });

  it("imports the listeners and the load balancer's security group, changing neither", () => {
    for (const type of [
      "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "AWS::ElasticLoadBalancingV2::Listener",
      "AWS::EC2::SecurityGroup",
      "AWS::EC2::SecurityGroupIngress",
      "AWS::EC2::SecurityGroupEgress",
    ]) {
      template.resourceCountIs(type, 0);
    }
    expect(rules.loadBalancerSecurityGroup.securityGroupId).toBe(SHARED_LISTENERS.loadBalancerSecurityGroupId);
  });
});

describe("ServiceListenerRules routed by host", () => {
  it("matches the hosts only, with no rewrite, when every path of them is the service's", () => {
    const { rules, template } = routes({
      pathPrefix: "/",
      hosts: ["orders.example.com", "*.orders.example.com"],
      priority: 3,
    });
    template.allResourcesProperties(RULE, {
      Priority: 3,
      Conditions: [
        { Field: "host-header", HostHeaderConfig: { Values: ["orders.example.com", "*.orders.example.com"] } },
      ],
      Transforms: Match.absent(),
    });
    expect(rules.serviceUrl).toBe(SHARED_LISTENERS.baseUrl);
  });

  it("matches host and path prefix together, escaping the prefix in the rewrite", () => {
    routes({ pathPrefix: "/v1.2", hosts: ["api.example.com"], priority: 4 }).template.allResourcesProperties(RULE, {
      Conditions: [
        { Field: "host-header", HostHeaderConfig: { Values: ["api.example.com"] } },
        { Field: "path-pattern", PathPatternConfig: { Values: ["/v1.2", "/v1.2/*"] } },
      ],
      Transforms: [
        { Type: "url-rewrite", UrlRewriteConfig: { Rewrites: [{ Regex: "^/v1\\.2/?(.*)$", Replace: "/$1" }] } },
      ],
    });
  });

  it("takes every path when neither hosts nor a prefix route it (a load balancer of its own)", () => {
    routes({ pathPrefix: "/", hosts: [], priority: 1 }).template.allResourcesProperties(RULE, {
      Priority: 1,
      Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }],
      Transforms: Match.absent(),
    });
  });
});

describe("ServiceListenerRules priorities", () => {
  it("are the route's own: another service's rules on the same listeners leave them exactly as they were", () => {
    const alone = ruleProperties(routes({ pathPrefix: "/orders", hosts: [], priority: 7 }).template);

    const stack = bareStack();
    const vpc = importedVpc(stack);
    serviceListenerRules(stack, { vpc, route: { pathPrefix: "/alpha", hosts: [], priority: 1 } }, "Alpha");
    serviceListenerRules(stack, { vpc }, "Routes");
    const template = Template.fromStack(stack);
    expect(ruleProperties(template, "Routes")).toEqual(alone);
    template.resourcePropertiesCountIs(RULE, { Priority: 1 }, 2);
  });
});
