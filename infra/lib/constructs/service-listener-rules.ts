import { pathPatterns, type ServiceRoute } from "@repo/service-contract";
import type { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { Construct } from "constructs";
import { serviceTargetGroup } from "./internet-facing-alb.ts";
import type { ServiceTraffic } from "./service-traffic.ts";

export interface ServiceListenerRulesProps {
  vpc: ec2.IVpc;
  containerPort: number;
  healthCheckPath: string;
  deregistrationDelay: Duration;
  route: ServiceRoute;
  /** The listeners the rules go on (a shared load balancer's, or the service's own), and its security group. */
  productionListenerArn: string;
  testListenerArn: string;
  loadBalancerSecurityGroupId: string;
  /** http(s)://<DNS name> and http://<DNS name>:<test port> of that load balancer. */
  baseUrl: string;
  testBaseUrl: string;
}

/**
 * The ECS engine's traffic: two target groups and, on each listener, one rule that routes the service's requests
 * (its host names and/or path prefix, the prefix removed before the request reaches the service). ECS moves the
 * rules' forward weights between the groups during a deployment; CloudFormation never updates a rule whose
 * properties stay the same, and nothing here changes with the service's settings, so a `cdk deploy` never points
 * production back at the other group (see infra/README.md, "Who owns what").
 */
export class ServiceListenerRules extends Construct implements ServiceTraffic {
  readonly primaryTargetGroup: elbv2.ApplicationTargetGroup;
  readonly alternateTargetGroup: elbv2.ApplicationTargetGroup;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule;
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  readonly serviceUrl: string;
  readonly testUrl: string;

  constructor(scope: Construct, id: string, props: ServiceListenerRulesProps) {
    super(scope, id);
    this.primaryTargetGroup = serviceTargetGroup(this, "Primary", props);
    this.alternateTargetGroup = serviceTargetGroup(this, "Alternate", props);
    // Imported, never modified from here: the load balancer's own stack opened its egress to the VPC once, so a
    // service adds only its tasks' ingress rule, in its own stack.
    this.loadBalancerSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      "LoadBalancerSecurityGroup",
      props.loadBalancerSecurityGroupId,
      { allowAllOutbound: true, mutable: false },
    );
    const listener = (id: string, listenerArn: string) =>
      elbv2.ApplicationListener.fromApplicationListenerAttributes(this, id, {
        listenerArn,
        securityGroup: this.loadBalancerSecurityGroup,
      });
    this.productionRule = this.rule(
      "Production",
      listener("ProductionListener", props.productionListenerArn),
      props.route,
    );
    this.testRule = this.rule("Test", listener("TestListener", props.testListenerArn), props.route);
    const prefix = props.route.pathPrefix === "/" ? "" : props.route.pathPrefix;
    this.serviceUrl = `${props.baseUrl}${prefix}`;
    this.testUrl = `${props.testBaseUrl}${prefix}`;
  }

  private rule(id: string, listener: elbv2.IApplicationListener, route: ServiceRoute): elbv2.ApplicationListenerRule {
    const conditions: elbv2.ListenerCondition[] = [];
    if (route.hosts.length > 0) conditions.push(elbv2.ListenerCondition.hostHeaders(route.hosts));
    const prefixed = route.pathPrefix !== "/";
    if (prefixed) conditions.push(elbv2.ListenerCondition.pathPatterns(pathPatterns(route.pathPrefix)));
    if (conditions.length === 0) conditions.push(elbv2.ListenerCondition.pathPatterns(["/*"]));
    const rule = new elbv2.ApplicationListenerRule(this, id, {
      listener,
      priority: route.priority,
      conditions,
      // Both groups, the alternate at weight 0: the shape ECS rewrites the weights of.
      action: elbv2.ListenerAction.weightedForward([
        { targetGroup: this.primaryTargetGroup, weight: 1 },
        { targetGroup: this.alternateTargetGroup, weight: 0 },
      ]),
    });
    if (prefixed) {
      // The service sees its own paths: /orders/greetings arrives as /greetings, /orders as /.
      (rule.node.defaultChild as elbv2.CfnListenerRule).transforms = [
        {
          type: "url-rewrite",
          urlRewriteConfig: { rewrites: [{ regex: `^${escapeRegex(route.pathPrefix)}/?(.*)$`, replace: "/$1" }] },
        },
      ];
    }
    return rule;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
