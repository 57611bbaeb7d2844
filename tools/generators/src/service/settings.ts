import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readWorkspace } from "@repo/pipeline-triggers";
import {
  DEPLOYMENT_ENGINES,
  type DeploymentEngine,
  type DiscoveredService,
  defaultLoadBalancerMode,
  defaultPathPrefix,
  discoverServices,
  FARGATE_MEMORY_BY_CPU,
  LOAD_BALANCER_MODES,
  type LoadBalancerMode,
  loadBalancerMode,
  loadServiceManifest,
  MAX_RULE_PRIORITY,
  SERVICES_PER_SHARED_LOAD_BALANCER,
  type ServiceManifest,
  type ServiceManifestInput,
  serviceManifestSchema,
  serviceRoute,
  sharedLoadBalancerIndex,
} from "@repo/service-contract";
import type { z } from "zod";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { given } from "../plop/interactive.ts";

/** Every new service is derived from this one: its files are the template, its manifest gives the defaults. */
export const TEMPLATE_SERVICE = "sample-service";
export const TEMPLATE_DIR = `apps/${TEMPLATE_SERVICE}`;

export const STRATEGIES = serviceManifestSchema.shape.deployment.unwrap().shape.strategy.unwrap().options;
export type Strategy = (typeof STRATEGIES)[number];

/** service.json's route, as the generator writes it. */
export type RouteSettings = NonNullable<ServiceManifestInput["route"]>;

/** What a person chooses for a new service; everything else comes from the template's manifest. */
export interface ServiceSettings {
  name: string;
  port: number;
  healthCheckPath: string;
  cpu: number;
  memory: number;
  strategy: Strategy;
  engine: DeploymentEngine;
  loadBalancer: LoadBalancerMode;
  /** Absent when the service takes every request of its own load balancer (CodeDeploy, or ecs without a route). */
  route?: RouteSettings;
}

/** Answers as prompts and command-line bypass give them: strings, or absent (take the default). */
export interface ServiceAnswers {
  name?: unknown;
  port?: unknown;
  healthCheckPath?: unknown;
  size?: unknown;
  deployment?: unknown;
  engine?: unknown;
  loadBalancer?: unknown;
  route?: unknown;
}

/** The package name a new service gets: the template's, with the template's name replaced (same npm scope). */
export function servicePackageName(root: string, name: string): string {
  const file = path.join(root, TEMPLATE_DIR, "package.json");
  let templateName: unknown;
  try {
    templateName = (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name;
  } catch (error) {
    throw new GeneratorError(`${TEMPLATE_DIR}/package.json cannot be read: ${(error as Error).message}`);
  }
  if (typeof templateName !== "string" || !templateName.endsWith(`/${TEMPLATE_SERVICE}`)) {
    throw new GeneratorError(`${TEMPLATE_DIR}/package.json: name must be "@<scope>/${TEMPLATE_SERVICE}"`);
  }
  return `${templateName.slice(0, -TEMPLATE_SERVICE.length)}${name}`;
}

export function templateManifest(root: string): ServiceManifest {
  const file = path.join(root, TEMPLATE_DIR, "service.json");
  if (!existsSync(file)) {
    throw new GeneratorError(
      `${TEMPLATE_DIR}/service.json not found: new services are derived from ${TEMPLATE_DIR}; restore it from git`,
    );
  }
  return loadServiceManifest(file);
}

/** The port after the highest one in use, so every service can run locally at the same time. */
export function nextFreePort(services: readonly DiscoveredService[], fallback: number): number {
  const used = new Set(services.map((service) => service.manifest.port));
  if (used.size === 0) return fallback;
  const next = Math.max(...used) + 1;
  if (next <= 65535) return next;
  for (let port = 1024; port <= 65535; port++) if (!used.has(port)) return port;
  throw new GeneratorError("port: every port from 1024 to 65535 is taken");
}

/** "256/512": a Fargate cpu/memory pair as one answer. */
export function sizeValue(cpu: number, memory: number): string {
  return `${cpu}/${memory}`;
}

/** Every valid Fargate size, from the manifest schema's table, smallest first. */
export function sizeChoices(): { name: string; value: string }[] {
  return Object.entries(FARGATE_MEMORY_BY_CPU)
    .map(([cpu, memories]) => [Number(cpu), memories] as const)
    .sort(([a], [b]) => a - b)
    .flatMap(([cpu, memories]) =>
      memories.map((memory) => ({
        name: `${cpu / 1024} vCPU, ${memory / 1024} GB (cpu ${cpu}, memory ${memory})`,
        value: sizeValue(cpu, memory),
      })),
    );
}

export interface TrafficSteps {
  percent: number;
  intervalMinutes: number;
}

/** CodeDeploy's predefined Canary10Percent5Minutes and Linear10PercentEvery1Minute. */
const DEFAULT_STEPS: Record<Exclude<Strategy, "all-at-once">, TrafficSteps> = {
  canary: { percent: 10, intervalMinutes: 5 },
  linear: { percent: 10, intervalMinutes: 1 },
};

/** How traffic moves for a strategy: the template's own numbers for its own strategy, CodeDeploy's otherwise. */
export function trafficSteps(strategy: Strategy, template: ServiceManifest): TrafficSteps | undefined {
  if (strategy === "all-at-once") return undefined;
  if (strategy === template.deployment.strategy) {
    return { percent: template.deployment.percent, intervalMinutes: template.deployment.intervalMinutes };
  }
  return DEFAULT_STEPS[strategy];
}

const STRATEGY_DESCRIPTIONS: Record<Strategy, string> = {
  "all-at-once": "all-at-once: all traffic moves to the new version at once",
  canary: "canary: a small share of traffic first, the rest after a wait",
  linear: "linear: traffic moves in equal steps, a few minutes apart",
};

export function strategyChoices(): { name: string; value: Strategy }[] {
  return STRATEGIES.map((strategy) => ({ name: STRATEGY_DESCRIPTIONS[strategy], value: strategy }));
}

const ENGINE_DESCRIPTIONS: Record<DeploymentEngine, string> = {
  codedeploy: "codedeploy: CodeDeploy blue/green on a load balancer of its own",
  ecs: "ecs: ECS runs the blue/green, canary or linear deployment itself, through listener rules",
};

export function engineChoices(): { name: string; value: DeploymentEngine }[] {
  return DEPLOYMENT_ENGINES.map((engine) => ({ name: ENGINE_DESCRIPTIONS[engine], value: engine }));
}

const LOAD_BALANCER_DESCRIPTIONS: Record<LoadBalancerMode, string> = {
  shared: `shared: two listener rules on the project's shared load balancer (${SERVICES_PER_SHARED_LOAD_BALANCER} services each; ecs only)`,
  dedicated: "dedicated: a load balancer of its own",
};

export function loadBalancerChoices(): { name: string; value: LoadBalancerMode }[] {
  return LOAD_BALANCER_MODES.map((mode) => ({ name: LOAD_BALANCER_DESCRIPTIONS[mode], value: mode }));
}

/**
 * The lowest listener rule priority no service on a shared load balancer uses. A removed service's number is free
 * again, so the first shared load balancer fills up before another one is created; no other service is renumbered.
 */
export function nextFreePriority(services: readonly DiscoveredService[]): number {
  const used = new Set(
    services
      .filter((service) => loadBalancerMode(service.manifest) === "shared")
      .map((service) => serviceRoute(service.manifest).priority),
  );
  for (let priority = 1; priority <= MAX_RULE_PRIORITY; priority++) if (!used.has(priority)) return priority;
  throw new GeneratorError(`route: every rule priority from 1 to ${MAX_RULE_PRIORITY} is taken`);
}

/** The route answer: a path prefix and/or host names, comma-separated ("/" is every path). */
export interface RouteAnswer {
  pathPrefix?: string;
  hosts: string[];
}

const routeSchema = serviceManifestSchema.shape.route.unwrap();

/** "/orders", "orders.example.com", "orders.example.com,/api": the problem, or the route. */
export function parseRoute(value: string): RouteAnswer | { problem: string } {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const paths = items.filter((item) => item.startsWith("/"));
  if (paths.length > 1) {
    return { problem: `route: "${value}" has ${paths.length} path prefixes; give one, with any host names` };
  }
  const route: RouteAnswer = {
    ...(paths[0] !== undefined && paths[0] !== "/" ? { pathPrefix: paths[0] } : {}),
    hosts: items.filter((item) => !item.startsWith("/")),
  };
  const result = routeSchema.safeParse(route);
  if (!result.success) {
    const issue = result.error.issues[0] as (typeof result.error.issues)[number];
    const at = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)?.[key], route);
    return { problem: `route: "${typeof at === "string" ? at : value}" ${issue.message}` };
  }
  return route;
}

// ---- one answer at a time (prompts validate with these; resolveServiceSettings checks them all) ----

export function nameProblem(value: unknown, root: string): string | undefined {
  if (typeof value !== "string" || value === "") return "name: is required (lowercase kebab-case, e.g. orders)";
  const schemaProblem = firstIssue(serviceManifestSchema.shape.name, value);
  if (schemaProblem) return `name: "${value}" ${schemaProblem}`;
  if (existsSync(path.join(root, "apps", value))) return `name: apps/${value} already exists`;
  const packageName = servicePackageName(root, value);
  const existing = readWorkspace(root).byName.get(packageName);
  if (existing) return `name: the package ${packageName} already exists (${existing.manifestPath})`;
  return undefined;
}

export function parsePort(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function portProblem(value: unknown, root: string): string | undefined {
  const port = parsePort(value);
  if (port === undefined) return `port: "${String(value)}" is not a whole number`;
  const schemaProblem = firstIssue(serviceManifestSchema.shape.port, port);
  if (schemaProblem) return `port: ${port} ${schemaProblem}`;
  const user = discoverServices(root).find((service) => service.manifest.port === port);
  if (user) return `port: ${port} is already used by ${user.manifestPath}`;
  return undefined;
}

export function healthCheckPathProblem(value: unknown): string | undefined {
  const schemaProblem = firstIssue(serviceManifestSchema.shape.healthCheckPath, value);
  return schemaProblem ? `healthCheckPath: "${String(value)}" ${schemaProblem}` : undefined;
}

export function parseSize(value: unknown): { cpu: number; memory: number } | undefined {
  const match = typeof value === "string" ? /^(\d+)\/(\d+)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const cpu = Number(match[1]);
  const memory = Number(match[2]);
  return FARGATE_MEMORY_BY_CPU[cpu]?.includes(memory) ? { cpu, memory } : undefined;
}

export function sizeProblem(value: unknown): string | undefined {
  if (parseSize(value)) return undefined;
  const examples = sizeChoices()
    .slice(0, 4)
    .map((choice) => choice.value)
    .join(", ");
  return `size: "${String(value)}" is not a Fargate cpu/memory pair (cpu/memory, e.g. ${examples}, ...)`;
}

export function strategyProblem(value: unknown): string | undefined {
  return (STRATEGIES as readonly unknown[]).includes(value)
    ? undefined
    : `deployment: "${String(value)}" must be one of ${STRATEGIES.join(", ")}`;
}

export function engineProblem(value: unknown): string | undefined {
  return (DEPLOYMENT_ENGINES as readonly unknown[]).includes(value)
    ? undefined
    : `engine: "${String(value)}" must be one of ${DEPLOYMENT_ENGINES.join(", ")}`;
}

export function loadBalancerProblem(value: unknown): string | undefined {
  return (LOAD_BALANCER_MODES as readonly unknown[]).includes(value)
    ? undefined
    : `loadBalancer: "${String(value)}" must be one of ${LOAD_BALANCER_MODES.join(", ")}`;
}

/** The route answer's own check, and (when engine and load balancer are known) whether it suits them. */
export function routeProblem(value: unknown, engine?: unknown, mode?: unknown): string | undefined {
  if (!given(value)) return undefined;
  if (typeof value !== "string") return `route: "${String(value)}" is not a path prefix or host names`;
  const route = parseRoute(value);
  if ("problem" in route) return route.problem;
  if (engine === "codedeploy") {
    return `route: "${value}" needs engine ecs: a CodeDeploy service takes every request of its own load balancer`;
  }
  if (mode === "shared" && route.pathPrefix === undefined && route.hosts.length === 0) {
    return `route: "${value}" would take every request of the shared load balancer: give a path prefix (/orders) or host names`;
  }
  return undefined;
}

/** Another service on the same shared load balancer with the same hosts and path would take every request first. */
function sameRouteProblem(settings: ServiceSettings, root: string): string | undefined {
  const priority = settings.route?.priority;
  if (settings.loadBalancer !== "shared" || priority === undefined) return undefined;
  const key = (pathPrefix: string, hosts: readonly string[]) => JSON.stringify([pathPrefix, [...hosts].sort()]);
  const hosts = settings.route?.hosts ?? [];
  const wanted = key(settings.route?.pathPrefix ?? defaultPathPrefix(settings.name, "shared", hosts), hosts);
  const other = discoverServices(root).find((service) => {
    if (loadBalancerMode(service.manifest) !== "shared") return false;
    const route = serviceRoute(service.manifest);
    return (
      sharedLoadBalancerIndex(route.priority) === sharedLoadBalancerIndex(priority) &&
      key(route.pathPrefix, route.hosts) === wanted
    );
  });
  return other
    ? `route: ${other.manifestPath} already has this route on shared load balancer ${sharedLoadBalancerIndex(priority)}; give another path prefix or host names`
    : undefined;
}

function firstIssue(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** The engine the answers choose: the template's unless given. */
export function chosenEngine(answers: ServiceAnswers, template: ServiceManifest): unknown {
  return given(answers.engine) ? answers.engine : template.deployment.engine;
}

/** The load balancer the answers choose: the engine's default unless given. */
export function chosenLoadBalancer(answers: ServiceAnswers, engine: unknown): unknown {
  return given(answers.loadBalancer) ? answers.loadBalancer : defaultLoadBalancerMode(engine as DeploymentEngine);
}

/**
 * Fills in the defaults (the template's manifest; the next free port) and checks every answer.
 * Throws one GeneratorError listing every problem.
 */
export function resolveServiceSettings(answers: ServiceAnswers, root: string): ServiceSettings {
  const template = templateManifest(root);
  const port = given(answers.port) ? answers.port : nextFreePort(discoverServices(root), template.port);
  const healthCheckPath = given(answers.healthCheckPath) ? answers.healthCheckPath : template.healthCheckPath;
  const size = given(answers.size) ? answers.size : sizeValue(template.cpu, template.memory);
  const strategy = given(answers.deployment) ? answers.deployment : template.deployment.strategy;
  const engine = chosenEngine(answers, template);
  const mode = chosenLoadBalancer(answers, engine);

  const problems = [
    nameProblem(answers.name, root),
    portProblem(port, root),
    healthCheckPathProblem(healthCheckPath),
    sizeProblem(size),
    strategyProblem(strategy),
    engineProblem(engine),
    loadBalancerProblem(mode),
    routeProblem(answers.route, engine, mode),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new GeneratorError(problemsMessage("cannot create the service", problems));

  const { cpu, memory } = parseSize(size) as { cpu: number; memory: number };
  const name = answers.name as string;
  const loadBalancer = mode as LoadBalancerMode;
  const settings: ServiceSettings = {
    name,
    port: parsePort(port) as number,
    healthCheckPath: healthCheckPath as string,
    cpu,
    memory,
    strategy: strategy as Strategy,
    engine: engine as DeploymentEngine,
    loadBalancer,
  };
  if (settings.engine === "ecs") {
    const route = given(answers.route)
      ? (parseRoute(answers.route as string) as RouteAnswer)
      : { pathPrefix: defaultPathPrefix(name, loadBalancer, []), hosts: [] };
    const written: RouteSettings = {
      ...(route.pathPrefix !== undefined && route.pathPrefix !== "/" ? { pathPrefix: route.pathPrefix } : {}),
      ...(route.hosts.length > 0 ? { hosts: route.hosts } : {}),
      ...(loadBalancer === "shared" ? { priority: nextFreePriority(discoverServices(root)) } : {}),
    };
    if (Object.keys(written).length > 0) settings.route = written;
  }
  const routeTaken = sameRouteProblem(settings, root);
  if (routeTaken) throw new GeneratorError(problemsMessage("cannot create the service", [routeTaken]));
  return settings;
}
