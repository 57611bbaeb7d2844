import { LOAD_BALANCER_IDLE_TIMEOUT_SECONDS } from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { suppress } from "../nag.ts";
import { LOAD_BALANCER_LOG_PREFIX } from "./log-storage.ts";

/** Target health checks: a new task set is healthy after 2 × 5 s instead of the default 5 × 30 s. */
export const HEALTH_CHECK = {
  interval: Duration.seconds(5),
  timeout: Duration.seconds(4),
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
} as const;

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
 * The service's internet-facing load balancer: a production listener, a test listener, and the blue and green
 * target groups CodeDeploy switches between. Nothing here depends on service settings other than the port and
 * health path, so changing cpu, memory or scaling never touches it (CodeDeploy owns which group is live).
 */
export class ServiceLoadBalancer extends Construct {
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
    const https = props.certificateArn !== undefined;
    const productionPort = https ? 443 : 80;

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: `${props.serviceName} load balancer`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), "HTTP from anywhere");
    if (https) this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "HTTPS from anywhere");
    for (const cidr of props.testListenerAllowedCidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(props.testListenerPort), "test listener");
    }
    suppress(this.securityGroup, [
      {
        id: "AwsSolutions-EC23",
        reason: "The public entry point of the service: the production listener must accept the internet.",
      },
    ]);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      idleTimeout: Duration.seconds(LOAD_BALANCER_IDLE_TIMEOUT_SECONDS),
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.setAttribute("access_logs.s3.enabled", "true");
    this.loadBalancer.setAttribute("access_logs.s3.bucket", props.logsBucket.bucketName);
    this.loadBalancer.setAttribute("access_logs.s3.prefix", `${LOAD_BALANCER_LOG_PREFIX}/${props.serviceName}`);

    this.blueTargetGroup = this.targetGroup("Blue", props);
    this.greenTargetGroup = this.targetGroup("Green", props);

    this.productionListener = this.loadBalancer.addListener("Production", {
      port: productionPort,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      ...(https
        ? {
            certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn as string)],
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          }
        : {}),
      defaultAction: elbv2.ListenerAction.forward([this.blueTargetGroup]),
      open: false,
    });
    if (https) {
      this.loadBalancer.addListener("HttpRedirect", {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: "HTTPS", port: "443", permanent: true }),
        open: false,
      });
    }
    // Plain HTTP even with a certificate: the hook calls the load balancer's own DNS name, which no certificate
    // names. The green target group sits here so that CodeDeploy finds it attached to the load balancer.
    this.testListener = this.loadBalancer.addListener("Test", {
      port: props.testListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.forward([this.greenTargetGroup]),
      open: false,
    });

    const dns = this.loadBalancer.loadBalancerDnsName;
    this.serviceUrl = `${https ? "https" : "http"}://${dns}`;
    this.testUrl = `http://${dns}:${props.testListenerPort}`;
  }

  private targetGroup(id: string, props: ServiceLoadBalancerProps): elbv2.ApplicationTargetGroup {
    return new elbv2.ApplicationTargetGroup(this, id, {
      vpc: props.vpc,
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: props.deregistrationDelay,
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: "200",
        ...HEALTH_CHECK,
      },
    });
  }
}
