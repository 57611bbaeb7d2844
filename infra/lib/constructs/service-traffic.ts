import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";

/**
 * How traffic reaches a service, whichever load balancer carries it: the two target groups the deployment engine
 * moves traffic between, the security group requests come from, and the URLs production and test traffic use.
 */
export interface ServiceTraffic {
  /** Where the first deployment's tasks register. */
  readonly primaryTargetGroup: elbv2.ApplicationTargetGroup;
  /** Where the next task set registers during a deployment. */
  readonly alternateTargetGroup: elbv2.ApplicationTargetGroup;
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  readonly serviceUrl: string;
  readonly testUrl: string;
}
