import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { RoutingLoadBalancer } from "./routing-load-balancer.ts";

export interface SharedLoadBalancersProps {
  vpc: ec2.IVpc;
  /** Which shared load balancers the services use (sharedLoadBalancerIndex of their rule priorities). */
  indexes: readonly number[];
  certificateArn?: string;
  testListenerPort: number;
  testListenerAllowedCidrs: readonly string[];
  logsBucket: s3.IBucket;
}

/**
 * The load balancers ECS-engine services share: listener rules route each service by its path prefix or host names.
 * One holds 50 services (each takes two of its 100 target groups); a service's rule priority alone decides which
 * one it is on, so a new load balancer appears when the priorities pass 50, 100, ... and no service ever moves.
 */
export class SharedLoadBalancers extends Construct {
  private readonly byIndex = new Map<number, RoutingLoadBalancer>();

  constructor(scope: Construct, id: string, props: SharedLoadBalancersProps) {
    super(scope, id);
    for (const index of [...new Set(props.indexes)].sort((a, b) => a - b)) {
      this.byIndex.set(
        index,
        new RoutingLoadBalancer(this, `Shared${index}`, {
          vpc: props.vpc,
          name: `shared-${index}`,
          ...(props.certificateArn ? { certificateArn: props.certificateArn } : {}),
          testListenerPort: props.testListenerPort,
          testListenerAllowedCidrs: props.testListenerAllowedCidrs,
          logsBucket: props.logsBucket,
        }),
      );
    }
  }

  /** The shared load balancer of that index (the shared stack creates only those the services use). */
  get(index: number): RoutingLoadBalancer {
    const found = this.byIndex.get(index);
    if (!found)
      throw new Error(
        `no shared load balancer ${index}: the shared stack was built for ${[...this.byIndex.keys()].join(", ") || "none"}`,
      );
    return found;
  }

  get all(): [number, RoutingLoadBalancer][] {
    return [...this.byIndex.entries()];
  }
}
