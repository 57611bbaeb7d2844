// The one place a service stack looks at its deployment engine: it picks the traffic (a dedicated load balancer, or
// listener rules on a shared or a dedicated one), the alarms over that traffic, and the strategy. Everything else
// (the Fargate service, the task definition, the pipeline) works with what these give it.

import type { DeploymentConfig } from "@repo/service-contract";
import {
  type DiscoveredService,
  loadBalancerMode,
  type ServiceNames,
  serviceRoute,
  sharedLoadBalancerIndex,
  shutdownGraceMs,
} from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { CodeDeployBlueGreen } from "../constructs/code-deploy-blue-green.ts";
import { DeploymentAlarms } from "../constructs/deployment-alarms.ts";
import type { DeploymentStrategy } from "../constructs/deployment-strategy.ts";
import { EcsNativeBlueGreen } from "../constructs/ecs-native-blue-green.ts";
import { RoutingLoadBalancer } from "../constructs/routing-load-balancer.ts";
import { ServiceListenerRules } from "../constructs/service-listener-rules.ts";
import { ServiceLoadBalancer } from "../constructs/service-load-balancer.ts";
import type { ServiceTaskDefinition } from "../constructs/service-task-definition.ts";
import type { ServiceTraffic } from "../constructs/service-traffic.ts";
import type { TestTrafficHook } from "../constructs/test-traffic-hook.ts";
import type { SharedStack } from "./shared-stack.ts";

export interface DeploymentEngineInput {
  config: DeploymentConfig;
  service: DiscoveredService;
  shared: SharedStack;
  logRetention: logs.RetentionDays;
  names: ServiceNames;
  task: ServiceTaskDefinition;
  artifactBucket: s3.IBucket;
}

export interface DeploymentEngineParts {
  traffic: ServiceTraffic;
  alarms: DeploymentAlarms;
  strategy: DeploymentStrategy & { readonly hook?: TestTrafficHook };
}

export function deploymentEngineParts(scope: Construct, input: DeploymentEngineInput): DeploymentEngineParts {
  const { config, shared } = input;
  const { manifest } = input.service;
  const common = {
    vpc: shared.vpc,
    containerPort: manifest.port,
    healthCheckPath: manifest.healthCheckPath,
    // In-flight requests may run for the whole shutdown grace: the load balancer keeps them that long.
    deregistrationDelay: Duration.millis(shutdownGraceMs(manifest.stopTimeoutSeconds)),
  };
  const balancer = {
    ...(config.certificateArn ? { certificateArn: config.certificateArn } : {}),
    testListenerPort: config.testListenerPort,
    testListenerAllowedCidrs: [...config.testListenerAllowedCidrs, ...shared.egressCidrs],
    logsBucket: shared.logsBucket,
  };
  const taskRoles = [input.task.executionRole, input.task.taskDefinition.taskRole];
  const hook = {
    vpc: shared.vpc,
    healthCheckPath: manifest.healthCheckPath,
    testListenerPort: config.testListenerPort,
  };
  const alarmsOver = (traffic: ServiceTraffic, names: [string, string]) =>
    new DeploymentAlarms(scope, "Alarms", {
      targetGroups: [
        { name: names[0], group: traffic.primaryTargetGroup },
        { name: names[1], group: traffic.alternateTargetGroup },
      ],
      target5xxPercent: config.alarms.target5xxPercent,
      minimumRequestsPerMinute: config.alarms.minimumRequestsPerMinute,
      p95ResponseTimeSeconds: config.alarms.p95ResponseTimeSeconds,
      ...(shared.alarmTopic ? { topic: shared.alarmTopic } : {}),
    });

  if (manifest.deployment.engine === "codedeploy") {
    const loadBalancer = new ServiceLoadBalancer(scope, "LoadBalancer", {
      ...common,
      ...balancer,
      serviceName: manifest.name,
    });
    const alarms = alarmsOver(loadBalancer, ["Blue", "Green"]);
    const strategy = new CodeDeployBlueGreen(scope, "BlueGreen", {
      names: input.names,
      loadBalancer,
      deployment: manifest.deployment,
      alarms: alarms.alarms,
      taskFamily: input.names.taskFamily,
      taskRoles,
      artifactBucket: input.artifactBucket,
      hook: { ...hook, logRetention: input.logRetention },
    });
    return { traffic: loadBalancer, alarms, strategy };
  }

  const route = serviceRoute(manifest);
  const routing = (
    loadBalancerMode(manifest) === "shared"
      ? shared.sharedLoadBalancers.get(sharedLoadBalancerIndex(route.priority))
      : new RoutingLoadBalancer(scope, "LoadBalancer", { ...balancer, vpc: shared.vpc, name: manifest.name })
  ).alb;
  const traffic = new ServiceListenerRules(scope, "Routes", {
    ...common,
    route,
    productionListenerArn: routing.productionListener.listenerArn,
    testListenerArn: routing.testListener.listenerArn,
    loadBalancerSecurityGroupId: routing.securityGroup.securityGroupId,
    baseUrl: routing.url,
    testBaseUrl: routing.testUrl,
  });
  const alarms = alarmsOver(traffic, ["Primary", "Alternate"]);
  const strategy = new EcsNativeBlueGreen(scope, "BlueGreen", {
    names: input.names,
    manifestFile: input.service.manifestPath,
    traffic,
    deployment: manifest.deployment,
    containerPort: manifest.port,
    alarms: alarms.alarms,
    cluster: shared.cluster,
    taskRoles,
    logRetention: input.logRetention,
    hook,
  });
  return { traffic, alarms, strategy };
}
