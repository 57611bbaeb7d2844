// What the synthesized stacks say about a service's traffic: its ECS service (engine, task count, health check grace
// period, the container and port the load balancer targets), its two target groups (health check and deregistration
// delay) and the production and test listeners (or listener rules) with their initial weights.
import type { DeploymentEngine } from "@repo/service-contract";
import {
  asRecord,
  type FoundResource,
  numberProperty,
  type Stacks,
  stringProperty,
  TemplateError,
} from "./templates.ts";

export interface HealthCheck {
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** The ALB matcher's HTTP codes, e.g. "200", "200,204" or "200-299". */
  matcher: string;
}

export interface TargetGroup {
  logicalId: string;
  healthCheck: HealthCheck;
  deregistrationDelaySeconds: number;
}

/** The side of a blue/green deployment: blue serves production now, green receives the new task set. */
export type Side = "blue" | "green";
export type Weights = Record<Side, number>;

export interface ListenerRule {
  pathPatterns: string[];
  hosts: string[];
  /** The rule's url-rewrite transform (ALB regex, `$1` style references). */
  rewrite: { regex: string; replace: string } | undefined;
}

export interface Listener {
  logicalId: string;
  /** The load balancer listener's port (what TEST_URL names). */
  port: number;
  /** The service's rule on a shared listener; undefined: the listener's default action forwards to the service. */
  rule: ListenerRule | undefined;
  /** A shared listener's answer to requests no rule matches. */
  fixedResponse: { statusCode: number; contentType: string; body: string } | undefined;
  /** The traffic split the template starts with, in percent. */
  weights: Weights;
}

export interface ServiceTopology {
  engine: DeploymentEngine;
  stack: string;
  ecsService: FoundResource;
  desiredCount: number;
  healthCheckGracePeriodSeconds: number;
  /** The container and port the target groups send traffic to. */
  container: { name: string; port: number };
  targetGroups: Record<Side, TargetGroup>;
  listeners: { production: Listener; test: Listener };
  /** The load balancer's idle timeout (idle_timeout.timeout_seconds). */
  idleTimeoutSeconds: number;
}

const CONTROLLERS: Record<string, DeploymentEngine> = { CODE_DEPLOY: "codedeploy", ECS: "ecs" };

/** The ALB's defaults for what a template leaves out (ELBv2 API reference: CreateTargetGroup, load balancer attributes). */
const ALB_DEFAULTS = {
  HealthCheckPath: "/",
  HealthCheckIntervalSeconds: 30,
  HealthCheckTimeoutSeconds: 5,
  HealthyThresholdCount: 5,
  UnhealthyThresholdCount: 2,
  Matcher: "200",
  "deregistration_delay.timeout_seconds": "300",
  "idle_timeout.timeout_seconds": "60",
} as const;

export function readTopology(stacks: Stacks, serviceStack: string): ServiceTopology {
  const ecsService = stacks.only(serviceStack, "AWS::ECS::Service");
  const props = ecsService.properties;
  const controller = String(asRecord(props.DeploymentController)?.Type ?? "ECS");
  const engine = CONTROLLERS[controller];
  if (!engine)
    throw new TemplateError(`${serviceStack}: the ECS service's deployment controller ${controller} is not blue/green`);
  const loadBalancers = Array.isArray(props.LoadBalancers) ? props.LoadBalancers : [];
  if (loadBalancers.length !== 1) {
    throw new TemplateError(
      `${serviceStack}: the ECS service has ${loadBalancers.length} load balancer entries, the rehearsal plays one`,
    );
  }
  const target = asRecord(loadBalancers[0]) ?? {};
  const container = {
    name: stringProperty(target.ContainerName, `${serviceStack}: LoadBalancers[0].ContainerName`),
    port: numberProperty(target.ContainerPort, `${serviceStack}: LoadBalancers[0].ContainerPort`),
  };
  const primary = stacks.referenced(serviceStack, target.TargetGroupArn, "the service's target group");
  const routes =
    engine === "ecs"
      ? ecsRoutes(stacks, serviceStack, target, primary)
      : codeDeployRoutes(stacks, serviceStack, primary);
  const production = listener(stacks, routes.production, routes.sides, "production");
  return {
    engine,
    stack: serviceStack,
    ecsService,
    desiredCount: numberProperty(props.DesiredCount ?? 1, `${serviceStack}: DesiredCount`),
    healthCheckGracePeriodSeconds: numberProperty(
      props.HealthCheckGracePeriodSeconds ?? 0,
      "HealthCheckGracePeriodSeconds",
    ),
    container,
    targetGroups: { blue: targetGroup(routes.sides.blue), green: targetGroup(routes.sides.green) },
    listeners: { production, test: listener(stacks, routes.test, routes.sides, "test") },
    idleTimeoutSeconds: idleTimeout(stacks, routes.production),
  };
}

interface Routes {
  sides: Record<Side, FoundResource>;
  /** The production and test listener (CodeDeploy) or listener rule (ECS). */
  production: FoundResource;
  test: FoundResource;
}

/** CodeDeploy: the deployment group's target group pair and listeners; blue is what the service is attached to. */
function codeDeployRoutes(stacks: Stacks, stack: string, blue: FoundResource): Routes {
  const group = stacks.only(stack, "AWS::CodeDeploy::DeploymentGroup");
  const pairs = asRecord(group.properties.LoadBalancerInfo)?.TargetGroupPairInfoList;
  const pair = Array.isArray(pairs) && pairs.length === 1 ? asRecord(pairs[0]) : undefined;
  if (!pair) throw new TemplateError(`${stack}: the deployment group has no single TargetGroupPairInfoList entry`);
  const groups = (Array.isArray(pair.TargetGroups) ? pair.TargetGroups : []).map((entry) =>
    stacks.referenced(stack, asRecord(entry)?.Name, "a deployment group target group"),
  );
  const green = groups.find((candidate) => candidate.logicalId !== blue.logicalId);
  if (groups.length !== 2 || !green)
    throw new TemplateError(`${stack}: the deployment group's target groups are not a pair`);
  const onlyListener = (route: unknown, what: string) => {
    const arns = asRecord(route)?.ListenerArns;
    if (!Array.isArray(arns) || arns.length !== 1)
      throw new TemplateError(`${stack}: ${what} has not exactly one listener`);
    return stacks.referenced(stack, arns[0], what);
  };
  return {
    sides: { blue, green },
    production: onlyListener(pair.ProdTrafficRoute, "ProdTrafficRoute"),
    test: onlyListener(pair.TestTrafficRoute, "TestTrafficRoute"),
  };
}

/** ECS: the primary and alternate target groups and the production and test listener rules. */
function ecsRoutes(stacks: Stacks, stack: string, target: Record<string, unknown>, blue: FoundResource): Routes {
  const advanced = asRecord(target.AdvancedConfiguration);
  if (!advanced)
    throw new TemplateError(
      `${stack}: the ECS service's load balancer has no AdvancedConfiguration (alternate target group)`,
    );
  return {
    sides: { blue, green: stacks.referenced(stack, advanced.AlternateTargetGroupArn, "AlternateTargetGroupArn") },
    production: stacks.referenced(stack, advanced.ProductionListenerRule, "ProductionListenerRule"),
    test: stacks.referenced(stack, advanced.TestListenerRule, "TestListenerRule"),
  };
}

function targetGroup(resource: FoundResource): TargetGroup {
  const props = resource.properties;
  const what = (field: string) => `${resource.stack}: target group ${resource.logicalId} ${field}`;
  if ((props.Protocol ?? "HTTP") !== "HTTP" || (props.HealthCheckProtocol ?? "HTTP") !== "HTTP") {
    throw new TemplateError(`${what("Protocol")}: the rehearsal's load balancer speaks HTTP to its targets only`);
  }
  if ((props.HealthCheckPort ?? "traffic-port") !== "traffic-port") {
    throw new TemplateError(
      `${what("HealthCheckPort")} is ${JSON.stringify(props.HealthCheckPort)}: the rehearsal checks the traffic port only`,
    );
  }
  const attributes = new Map(
    (Array.isArray(props.TargetGroupAttributes) ? props.TargetGroupAttributes : []).map((entry) => {
      const attribute = asRecord(entry) ?? {};
      return [String(attribute.Key), attribute.Value] as const;
    }),
  );
  const number = (field: keyof typeof ALB_DEFAULTS, value: unknown) =>
    numberProperty(value ?? ALB_DEFAULTS[field], what(field));
  return {
    logicalId: resource.logicalId,
    healthCheck: {
      path: stringProperty(props.HealthCheckPath ?? ALB_DEFAULTS.HealthCheckPath, what("HealthCheckPath")),
      intervalSeconds: number("HealthCheckIntervalSeconds", props.HealthCheckIntervalSeconds),
      timeoutSeconds: number("HealthCheckTimeoutSeconds", props.HealthCheckTimeoutSeconds),
      healthyThreshold: number("HealthyThresholdCount", props.HealthyThresholdCount),
      unhealthyThreshold: number("UnhealthyThresholdCount", props.UnhealthyThresholdCount),
      matcher: stringProperty(asRecord(props.Matcher)?.HttpCode ?? ALB_DEFAULTS.Matcher, what("Matcher.HttpCode")),
    },
    deregistrationDelaySeconds: number(
      "deregistration_delay.timeout_seconds",
      attributes.get("deregistration_delay.timeout_seconds"),
    ),
  };
}

/** A listener (its default action forwards) or a listener rule (on a shared listener). */
function listener(stacks: Stacks, route: FoundResource, sides: Record<Side, FoundResource>, name: string): Listener {
  const what = `${route.stack}: the ${name} ${route.type === "AWS::ElasticLoadBalancingV2::ListenerRule" ? "rule" : "listener"} ${route.logicalId}`;
  if (route.type === "AWS::ElasticLoadBalancingV2::Listener") {
    return {
      logicalId: route.logicalId,
      port: listenerPort(route),
      rule: undefined,
      fixedResponse: undefined,
      weights: forwardWeights(stacks, route, route.properties.DefaultActions, sides, what),
    };
  }
  if (route.type !== "AWS::ElasticLoadBalancingV2::ListenerRule") throw new TemplateError(`${what} is a ${route.type}`);
  const owner = stacks.referenced(route.stack, route.properties.ListenerArn, `${what} ListenerArn`);
  return {
    logicalId: route.logicalId,
    port: listenerPort(owner),
    rule: listenerRule(route, what),
    fixedResponse: fixedResponse(owner, `${owner.stack}: listener ${owner.logicalId}`),
    weights: forwardWeights(stacks, route, route.properties.Actions, sides, what),
  };
}

function listenerPort(listener: FoundResource): number {
  const what = `${listener.stack}: listener ${listener.logicalId}`;
  if ((listener.properties.Protocol ?? "HTTP") !== "HTTP") {
    throw new TemplateError(
      `${what} speaks ${String(listener.properties.Protocol)}: the rehearsal's listeners speak HTTP only`,
    );
  }
  return numberProperty(listener.properties.Port, `${what} Port`);
}

/** The forward action's split between blue and green, in percent. */
function forwardWeights(
  stacks: Stacks,
  route: FoundResource,
  actions: unknown,
  sides: Record<Side, FoundResource>,
  what: string,
): Weights {
  const list = Array.isArray(actions) ? actions : [];
  const forward = list.length === 1 ? asRecord(list[0]) : undefined;
  if (forward?.Type !== "forward")
    throw new TemplateError(`${what}: expected one forward action, found ${JSON.stringify(actions)}`);
  const entries = asRecord(forward.ForwardConfig)?.TargetGroups;
  const targets: { group: unknown; weight: number }[] = Array.isArray(entries)
    ? entries.map((entry) => ({
        group: asRecord(entry)?.TargetGroupArn,
        weight: numberProperty(asRecord(entry)?.Weight ?? 1, `${what} forward weight`),
      }))
    : [{ group: forward.TargetGroupArn, weight: 1 }];
  const weights: Weights = { blue: 0, green: 0 };
  for (const { group, weight } of targets) {
    const logicalId = stacks.referenced(route.stack, group, `${what} target group`).logicalId;
    const side = (Object.keys(sides) as Side[]).find((candidate) => sides[candidate].logicalId === logicalId);
    if (!side)
      throw new TemplateError(`${what} forwards to ${logicalId}, which is neither of the service's target groups`);
    weights[side] += weight;
  }
  const total = weights.blue + weights.green;
  if (total <= 0) throw new TemplateError(`${what} forwards with no weight`);
  return { blue: (100 * weights.blue) / total, green: (100 * weights.green) / total };
}

function listenerRule(rule: FoundResource, what: string): ListenerRule {
  const pathPatterns: string[] = [];
  const hosts: string[] = [];
  for (const entry of Array.isArray(rule.properties.Conditions) ? rule.properties.Conditions : []) {
    const condition = asRecord(entry) ?? {};
    const values = (config: unknown) => {
      const list = asRecord(config)?.Values ?? condition.Values;
      return Array.isArray(list) ? list.map(String) : [];
    };
    if (condition.Field === "path-pattern") pathPatterns.push(...values(condition.PathPatternConfig));
    else if (condition.Field === "host-header") hosts.push(...values(condition.HostHeaderConfig));
    else
      throw new TemplateError(
        `${what}: condition ${String(condition.Field)}: the rehearsal routes by path-pattern and host-header only`,
      );
  }
  const rewrites: { regex: string; replace: string }[] = [];
  for (const entry of Array.isArray(rule.properties.Transforms) ? rule.properties.Transforms : []) {
    const transform = asRecord(entry) ?? {};
    if (transform.Type !== "url-rewrite")
      throw new TemplateError(`${what}: transform ${String(transform.Type)} is not one the rehearsal plays`);
    const configured = asRecord(transform.UrlRewriteConfig)?.Rewrites;
    for (const rewrite of Array.isArray(configured) ? configured : []) {
      const { Regex, Replace } = asRecord(rewrite) ?? {};
      rewrites.push({
        regex: stringProperty(Regex, `${what} rewrite Regex`),
        replace: stringProperty(Replace, `${what} rewrite Replace`),
      });
    }
  }
  if (rewrites.length > 1) throw new TemplateError(`${what}: ${rewrites.length} url rewrites, the rehearsal plays one`);
  return { pathPatterns, hosts, rewrite: rewrites[0] };
}

function fixedResponse(listener: FoundResource, what: string): Listener["fixedResponse"] {
  const actions = Array.isArray(listener.properties.DefaultActions) ? listener.properties.DefaultActions : [];
  const action = asRecord(actions[0]);
  if (actions.length !== 1 || action?.Type !== "fixed-response") {
    throw new TemplateError(`${what}: a shared listener's default action must be one fixed-response`);
  }
  const config = asRecord(action.FixedResponseConfig) ?? {};
  return {
    statusCode: numberProperty(config.StatusCode, `${what} fixed-response StatusCode`),
    contentType: String(config.ContentType ?? "text/plain"),
    body: String(config.MessageBody ?? ""),
  };
}

/** idle_timeout.timeout_seconds of the load balancer that owns the production listener. */
function idleTimeout(stacks: Stacks, production: FoundResource): number {
  const listener =
    production.type === "AWS::ElasticLoadBalancingV2::ListenerRule"
      ? stacks.referenced(production.stack, production.properties.ListenerArn, "the production rule's listener")
      : production;
  const loadBalancer = stacks.referenced(
    listener.stack,
    listener.properties.LoadBalancerArn,
    "the listener's load balancer",
  );
  const attributes = Array.isArray(loadBalancer.properties.LoadBalancerAttributes)
    ? loadBalancer.properties.LoadBalancerAttributes
    : [];
  const idle = attributes.map(asRecord).find((attribute) => attribute?.Key === "idle_timeout.timeout_seconds");
  return numberProperty(
    idle?.Value ?? ALB_DEFAULTS["idle_timeout.timeout_seconds"],
    `${loadBalancer.stack}: load balancer ${loadBalancer.logicalId} idle_timeout.timeout_seconds`,
  );
}
