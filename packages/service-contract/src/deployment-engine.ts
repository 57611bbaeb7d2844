// How a service's manifest maps onto its deployment engine and its load balancer: one place for the defaults and the
// ECS-native configuration, which infra, the deploy step and the rehearsal all read.
import type { DeploymentEngine, LoadBalancerMode, ServiceManifest } from "./manifest/schema.ts";

/** A shared load balancer holds this many services: each takes two of its 100 target groups (AWS's default quota). */
export const SERVICES_PER_SHARED_LOAD_BALANCER = 50;

export function deploymentEngine(manifest: ServiceManifest): DeploymentEngine {
  return manifest.deployment.engine;
}

/** ecs services share a load balancer unless they ask for their own; codedeploy services always have their own. */
export function defaultLoadBalancerMode(engine: DeploymentEngine): LoadBalancerMode {
  return engine === "ecs" ? "shared" : "dedicated";
}

export function loadBalancerMode(manifest: ServiceManifest): LoadBalancerMode {
  return manifest.loadBalancer ?? defaultLoadBalancerMode(manifest.deployment.engine);
}

export interface ServiceRoute {
  /** Requests under it reach the service with the prefix removed; "/" (every path) when only hosts route. */
  pathPrefix: string;
  hosts: string[];
  /** The rule priority on each listener; 1 for a dedicated load balancer (the service's only rule). */
  priority: number;
}

/**
 * The path prefix of a route that names none: on the shared load balancer /<name>, unless host names route the
 * service (then every path of those hosts); on a dedicated one every path.
 */
export function defaultPathPrefix(name: string, mode: LoadBalancerMode, hosts: readonly string[]): string {
  return mode === "shared" && hosts.length === 0 ? `/${name}` : "/";
}

/** The service's listener rules, with the defaults filled in. */
export function serviceRoute(manifest: ServiceManifest): ServiceRoute {
  const mode = loadBalancerMode(manifest);
  const hosts = manifest.route?.hosts ?? [];
  return {
    pathPrefix: manifest.route?.pathPrefix ?? defaultPathPrefix(manifest.name, mode, hosts),
    hosts,
    priority: mode === "shared" ? (manifest.route?.priority ?? 0) : 1,
  };
}

/** ALB's quota of condition values per listener rule, which cannot be raised (ALB's "Quotas": Rules). */
export const MAX_RULE_CONDITION_VALUES = 5;

/** The path patterns of a path prefix in a listener rule: the prefix itself and everything under it. */
export function pathPatterns(pathPrefix: string): string[] {
  return [pathPrefix, `${pathPrefix}/*`];
}

/** How many of a listener rule's condition values a route takes: one per host name, and the prefix's patterns. */
export function routeConditionValues(route: { pathPrefix?: string | undefined; hosts: readonly string[] }): number {
  const prefixed = route.pathPrefix !== undefined && route.pathPrefix !== "/";
  return route.hosts.length + (prefixed ? pathPatterns(route.pathPrefix as string).length : 0);
}

/** Which shared load balancer (0, 1, ...) a priority lands on: fixed by the priority alone, so nothing ever moves. */
export function sharedLoadBalancerIndex(priority: number): number {
  return Math.floor((priority - 1) / SERVICES_PER_SHARED_LOAD_BALANCER);
}

/** ECS's DeploymentConfiguration for the manifest's strategy (the ECS API's field names). */
export interface EcsDeploymentConfiguration {
  strategy: "BLUE_GREEN" | "CANARY" | "LINEAR";
  bakeTimeInMinutes: number;
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
}

/** The manifest's traffic-shifting strategies (deployment.strategy). */
export type TrafficStrategy = ServiceManifest["deployment"]["strategy"];

/**
 * ECS's DeploymentConfiguration for a strategy, its step (percent of traffic, minutes between steps) and bake time:
 * one mapping for the manifest and for a CodeDeploy configuration read back from a template.
 */
export function ecsTiming(
  strategy: TrafficStrategy,
  step: { percent: number; intervalMinutes: number },
  bakeTimeInMinutes: number,
): EcsDeploymentConfiguration {
  switch (strategy) {
    case "all-at-once":
      return { strategy: "BLUE_GREEN", bakeTimeInMinutes };
    case "canary":
      return {
        strategy: "CANARY",
        bakeTimeInMinutes,
        canaryConfiguration: { canaryPercent: step.percent, canaryBakeTimeInMinutes: step.intervalMinutes },
      };
    case "linear":
      return {
        strategy: "LINEAR",
        bakeTimeInMinutes,
        linearConfiguration: { stepPercent: step.percent, stepBakeTimeInMinutes: step.intervalMinutes },
      };
  }
}

export function ecsDeploymentConfiguration(deployment: ServiceManifest["deployment"]): EcsDeploymentConfiguration {
  return ecsTiming(deployment.strategy, deployment, deployment.terminationWaitMinutes);
}
