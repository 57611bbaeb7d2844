import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { Construct } from "constructs";
import { createInternetFacingAlb, type InternetFacingAlb, type InternetFacingAlbProps } from "./internet-facing-alb.ts";

/** What a request that no service's rule matches gets. */
const NOT_ROUTED = elbv2.ListenerAction.fixedResponse(404, {
  contentType: "application/json",
  messageBody: '{"error":{"code":"not_found","message":"No service is routed here"}}',
});

export interface RoutingLoadBalancerProps extends InternetFacingAlbProps {}

/**
 * A load balancer that routes by listener rules: services add a production and a test rule each (the ECS engine moves
 * their forward weights); anything unmatched gets a JSON 404. The shared load balancers are these, and so is an ECS
 * service's dedicated one.
 */
export class RoutingLoadBalancer extends Construct {
  /** The load balancer, its security group, listeners and URLs. */
  readonly alb: InternetFacingAlb;

  constructor(scope: Construct, id: string, props: RoutingLoadBalancerProps) {
    super(scope, id);
    this.alb = createInternetFacingAlb(this, props, { production: NOT_ROUTED, test: NOT_ROUTED });
    // Requests go only to the services' tasks, which run in the VPC: on any port, since each service has its own.
    this.alb.securityGroup.addEgressRule(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcpRange(1024, 65535),
      "to the services' tasks in the VPC",
    );
  }
}
