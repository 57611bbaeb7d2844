import type { Duration } from "aws-cdk-lib";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { createInternetFacingAlb, serviceTargetGroup } from "./internet-facing-alb.ts";
import type { ServiceTraffic } from "./service-traffic.ts";

export interface ServiceLoadBalancerProps {
  vpc: ec2.IVpc;
  serviceName: string;
  containerPort: number;
  healthCheckPath: string;
  /**
   * How long the load balancer lets a deregistered target finish its in-flight requests before ECS stops the task:
   * the service's shutdown grace, so a request the service would finish is never cut by the load balancer first.
   */
  deregistrationDelay: Duration;
  /** HTTPS on 443 (and a redirect from 80) when set; plain HTTP on 80 otherwise. */
  certificateArn?: string;
  testListenerPort: number;
  /** Who may call the test listener: the configured CIDRs and the VPC's NAT addresses (the test-traffic hook). */
  testListenerAllowedCidrs: readonly string[];
  logsBucket: s3.IBucket;
}

/**
 * The CodeDeploy engine's load balancer, one per service: a production listener, a test listener, and the blue and
 * green target groups CodeDeploy switches the listeners' default actions between. Nothing here depends on service
 * settings other than the port and health path, so changing cpu, memory or scaling never touches it (CodeDeploy owns
 * which group is live).
 */
export class ServiceLoadBalancer extends Construct implements ServiceTraffic {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly productionListener: elbv2.ApplicationListener;
  readonly testListener: elbv2.ApplicationListener;
  readonly blueTargetGroup: elbv2.ApplicationTargetGroup;
  readonly greenTargetGroup: elbv2.ApplicationTargetGroup;
  /** http(s)://<load balancer DNS name> */
  readonly serviceUrl: string;
  /** http://<load balancer DNS name>:<test port> */
  readonly testUrl: string;

  constructor(scope: Construct, id: string, props: ServiceLoadBalancerProps) {
    super(scope, id);
    this.blueTargetGroup = serviceTargetGroup(this, "Blue", props);
    this.greenTargetGroup = serviceTargetGroup(this, "Green", props);
    // The green target group sits on the test listener so that CodeDeploy finds it attached to the load balancer.
    const alb = createInternetFacingAlb(
      this,
      { ...props, name: props.serviceName },
      {
        production: elbv2.ListenerAction.forward([this.blueTargetGroup]),
        test: elbv2.ListenerAction.forward([this.greenTargetGroup]),
      },
    );
    this.loadBalancer = alb.loadBalancer;
    this.securityGroup = alb.securityGroup;
    this.productionListener = alb.productionListener;
    this.testListener = alb.testListener;
    this.serviceUrl = alb.url;
    this.testUrl = alb.testUrl;
  }

  get primaryTargetGroup(): elbv2.ApplicationTargetGroup {
    return this.blueTargetGroup;
  }

  get alternateTargetGroup(): elbv2.ApplicationTargetGroup {
    return this.greenTargetGroup;
  }

  get loadBalancerSecurityGroup(): ec2.ISecurityGroup {
    return this.securityGroup;
  }
}
