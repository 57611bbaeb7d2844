// The parts every load balancer of the app is made of: an internet-facing ALB with a production and a test listener,
// its security group, access logs, and the target groups services register in. One recipe for the dedicated
// CodeDeploy load balancer, the ECS engine's dedicated one and the shared ones.
import { LOAD_BALANCER_IDLE_TIMEOUT_SECONDS } from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { suppress } from "../nag.ts";
import { LOAD_BALANCER_LOG_PREFIX } from "./log-storage.ts";

/** Target health checks: a new task set is healthy after 2 × 5 s instead of the default 5 × 30 s. */
export const HEALTH_CHECK = {
  interval: Duration.seconds(5),
  timeout: Duration.seconds(4),
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
} as const;

export interface InternetFacingAlbProps {
  vpc: ec2.IVpc;
  /** Names the security group and the access-log prefix (alb/<name>/). */
  name: string;
  /** HTTPS on 443 (and a redirect from 80) when set; plain HTTP on 80 otherwise. */
  certificateArn?: string;
  testListenerPort: number;
  /** Who may call the test listener: the configured CIDRs and the VPC's NAT addresses (the test-traffic hook). */
  testListenerAllowedCidrs: readonly string[];
  logsBucket: s3.IBucket;
}

export interface InternetFacingAlb {
  securityGroup: ec2.SecurityGroup;
  loadBalancer: elbv2.ApplicationLoadBalancer;
  productionListener: elbv2.ApplicationListener;
  testListener: elbv2.ApplicationListener;
  /** http(s)://<DNS name> */
  url: string;
  /** http://<DNS name>:<test port> */
  testUrl: string;
}

/** Creates the load balancer under `scope` (ids SecurityGroup, LoadBalancer, its listeners Production, Test). */
export function createInternetFacingAlb(
  scope: Construct,
  props: InternetFacingAlbProps,
  defaultActions: { production: elbv2.ListenerAction; test: elbv2.ListenerAction },
): InternetFacingAlb {
  const https = props.certificateArn !== undefined;
  const securityGroup = new ec2.SecurityGroup(scope, "SecurityGroup", {
    vpc: props.vpc,
    description: `${props.name} load balancer`,
    allowAllOutbound: false,
  });
  securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), "HTTP from anywhere");
  if (https) securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "HTTPS from anywhere");
  for (const cidr of props.testListenerAllowedCidrs) {
    securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(props.testListenerPort), "test listener");
  }
  suppress(securityGroup, [
    {
      id: "AwsSolutions-EC23",
      reason: "The public entry point of the service: the production listener must accept the internet.",
    },
  ]);

  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, "LoadBalancer", {
    vpc: props.vpc,
    internetFacing: true,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    securityGroup,
    idleTimeout: Duration.seconds(LOAD_BALANCER_IDLE_TIMEOUT_SECONDS),
    dropInvalidHeaderFields: true,
  });
  loadBalancer.setAttribute("access_logs.s3.enabled", "true");
  loadBalancer.setAttribute("access_logs.s3.bucket", props.logsBucket.bucketName);
  loadBalancer.setAttribute("access_logs.s3.prefix", `${LOAD_BALANCER_LOG_PREFIX}/${props.name}`);

  const productionListener = loadBalancer.addListener("Production", {
    port: https ? 443 : 80,
    protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
    ...(https
      ? {
          certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn as string)],
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        }
      : {}),
    defaultAction: defaultActions.production,
    open: false,
  });
  if (https) {
    loadBalancer.addListener("HttpRedirect", {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: "HTTPS", port: "443", permanent: true }),
      open: false,
    });
  }
  // Plain HTTP even with a certificate: the smoke test calls the load balancer's own DNS name, which no certificate
  // names.
  const testListener = loadBalancer.addListener("Test", {
    port: props.testListenerPort,
    protocol: elbv2.ApplicationProtocol.HTTP,
    defaultAction: defaultActions.test,
    open: false,
  });

  const dns = loadBalancer.loadBalancerDnsName;
  return {
    securityGroup,
    loadBalancer,
    productionListener,
    testListener,
    url: `${https ? "https" : "http"}://${dns}`,
    testUrl: `http://${dns}:${props.testListenerPort}`,
  };
}

export interface ServiceTargetGroupProps {
  vpc: ec2.IVpc;
  containerPort: number;
  healthCheckPath: string;
  /** How long a deregistered target may finish its in-flight requests: the service's shutdown grace. */
  deregistrationDelay: Duration;
}

/** One of a service's two target groups (the task sets register their tasks' IPs). */
export function serviceTargetGroup(
  scope: Construct,
  id: string,
  props: ServiceTargetGroupProps,
): elbv2.ApplicationTargetGroup {
  return new elbv2.ApplicationTargetGroup(scope, id, {
    vpc: props.vpc,
    port: props.containerPort,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.IP,
    deregistrationDelay: props.deregistrationDelay,
    healthCheck: { path: props.healthCheckPath, healthyHttpCodes: "200", ...HEALTH_CHECK },
  });
}
