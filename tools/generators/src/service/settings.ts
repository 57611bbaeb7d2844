import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readWorkspace } from "@repo/pipeline-triggers";
import {
  type DiscoveredService,
  discoverServices,
  FARGATE_MEMORY_BY_CPU,
  loadServiceManifest,
  type ServiceManifest,
  serviceManifestSchema,
} from "@repo/service-contract";
import type { z } from "zod";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { given } from "../plop/interactive.ts";

/** Every new service is derived from this one: its files are the template, its manifest gives the defaults. */
export const TEMPLATE_SERVICE = "sample-service";
export const TEMPLATE_DIR = `apps/${TEMPLATE_SERVICE}`;

export const STRATEGIES = serviceManifestSchema.shape.deployment.unwrap().shape.strategy.unwrap().options;
export type Strategy = (typeof STRATEGIES)[number];

/** What a person chooses for a new service; everything else comes from the template's manifest. */
export interface ServiceSettings {
  name: string;
  port: number;
  healthCheckPath: string;
  cpu: number;
  memory: number;
  strategy: Strategy;
}

/** Answers as prompts and command-line bypass give them: strings, or absent (take the default). */
export interface ServiceAnswers {
  name?: unknown;
  port?: unknown;
  healthCheckPath?: unknown;
  size?: unknown;
  deployment?: unknown;
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

function firstIssue(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
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

  const problems = [
    nameProblem(answers.name, root),
    portProblem(port, root),
    healthCheckPathProblem(healthCheckPath),
    sizeProblem(size),
    strategyProblem(strategy),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new GeneratorError(problemsMessage("cannot create the service", problems));

  const { cpu, memory } = parseSize(size) as { cpu: number; memory: number };
  return {
    name: answers.name as string,
    port: parsePort(port) as number,
    healthCheckPath: healthCheckPath as string,
    cpu,
    memory,
    strategy: strategy as Strategy,
  };
}
