import { z } from "zod";
import { PLATFORM_ENVIRONMENT_NAMES } from "../container.ts";
import {
  defaultLoadBalancerMode,
  MAX_RULE_CONDITION_VALUES,
  pathPatterns,
  routeConditionValues,
} from "../deployment-engine.ts";
import { KEBAB_CASE, KEBAB_CASE_RULE } from "../naming.ts";

/** Longest service name: derived AWS names (target groups: 32 characters, "-green" suffix, stack prefixes) must fit. */
export const MAX_SERVICE_NAME_LENGTH = 24;

/** Names that would collide with the workspace's own folders or CloudFormation stacks. */
export const RESERVED_SERVICE_NAMES = [
  "shared",
  "infra",
  "tools",
  "packages",
  "apps",
  "pipeline",
  "test",
  "node-modules",
] as const;

/** Fargate's valid cpu units and, for each, the memory sizes (MiB) it accepts. */
export const FARGATE_MEMORY_BY_CPU: Record<number, readonly number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

const FARGATE_CPU_SIZES = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

const serviceName = z
  .string()
  .regex(KEBAB_CASE, KEBAB_CASE_RULE)
  .max(
    MAX_SERVICE_NAME_LENGTH,
    `must be at most ${MAX_SERVICE_NAME_LENGTH} characters (AWS resource names are derived from it)`,
  )
  .refine((name) => !(RESERVED_SERVICE_NAMES as readonly string[]).includes(name), {
    message: `is reserved (${RESERVED_SERVICE_NAMES.join(", ")})`,
  });

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an upper-case environment variable name");

/** Who runs a service's blue/green deployments. */
export const DEPLOYMENT_ENGINES = ["codedeploy", "ecs"] as const;
export type DeploymentEngine = (typeof DEPLOYMENT_ENGINES)[number];

const deployment = z
  .object({
    engine: z
      .enum(DEPLOYMENT_ENGINES)
      .default("codedeploy")
      .describe(
        "codedeploy: CodeDeploy blue/green on a dedicated load balancer (the default). ecs: ECS runs the blue/green, linear or canary deployment itself through listener rules, on the shared load balancer by default (AWS's recommendation for new services). The engine of a deployed service cannot change in place: see infra/README.md.",
      ),
    strategy: z
      .enum(["all-at-once", "canary", "linear"])
      .default("canary")
      .describe("How production traffic moves to the new task set (ecs: BLUE_GREEN, CANARY or LINEAR)."),
    percent: z
      .number()
      .int()
      .min(1)
      .max(99)
      .default(10)
      .describe("canary: share of traffic moved first; linear: share moved at each step."),
    intervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(2880)
      .default(5)
      .describe("canary: minutes before the rest moves; linear: minutes between steps."),
    terminationWaitMinutes: z
      .number()
      .int()
      .min(0)
      .max(2880)
      .default(5)
      .describe(
        "Minutes the old (blue) task set keeps running after the switch, ready for a fast rollback (ecs: the bake time).",
      ),
    manualApproval: z.boolean().default(false).describe("Pause the pipeline for a person's approval before Deploy."),
    testTrafficHook: z
      .boolean()
      .default(true)
      .describe("Smoke-test the new task set through the test listener before production traffic moves."),
    breakGlass: z
      .boolean()
      .default(false)
      .describe(
        "Emergency only: deploy with the rollback alarms ignored, to ship a fix through a service that is already failing (its alarms would stop any deployment at once). Set it, deploy the service's stack, push the fix, then unset it and deploy the stack again.",
      ),
  })
  .strict()
  .describe("Blue/green deployment settings.");

/** Where a service's traffic arrives. */
export const LOAD_BALANCER_MODES = ["shared", "dedicated"] as const;
export type LoadBalancerMode = (typeof LOAD_BALANCER_MODES)[number];

/** Listener rule priorities the services of one project may use (ALB allows 1 to 50000). */
export const MAX_RULE_PRIORITY = 50_000;

const route = z
  .object({
    pathPrefix: z
      .string()
      .regex(
        /^\/[a-z0-9][a-z0-9\-._/]*[a-z0-9]$|^\/[a-z0-9]$/,
        "must be a path such as /orders (lowercase, no trailing /)",
      )
      .optional()
      .describe("Requests under this path reach the service, with the prefix removed (default /<name>)."),
    hosts: z
      .array(z.string().regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/, "must be a host name such as orders.example.com"))
      .max(MAX_RULE_CONDITION_VALUES)
      .default([])
      .describe(
        `Host names that reach the service (all of its paths); with hosts, the path prefix is not required. A listener rule matches at most ${MAX_RULE_CONDITION_VALUES} values: one per host name, and ${pathPatterns("/x").length} for a path prefix.`,
      ),
    priority: z
      .number()
      .int()
      .min(1)
      .max(MAX_RULE_PRIORITY)
      .optional()
      .describe(
        "The service's listener rule priority on the shared load balancer: written once by pnpm plop service (the next free number) and never changed, so adding or removing a service never renumbers or moves another. It also picks the shared load balancer (50 services each).",
      ),
  })
  .strict()
  .refine((value) => routeConditionValues(value) <= MAX_RULE_CONDITION_VALUES, {
    path: ["hosts"],
    message: `a listener rule matches at most ${MAX_RULE_CONDITION_VALUES} values: one per host name and ${pathPatterns("/x").length} for the path prefix (${pathPatterns("/x").join(", ")}); give fewer host names, or no path prefix`,
  });

const scaling = z
  .object({
    minTasks: z.number().int().min(1).max(1000).default(2),
    maxTasks: z.number().int().min(1).max(1000).default(6),
    requestsPerTarget: z
      .number()
      .int()
      .min(1)
      .default(500)
      .describe("Target tracking: ALB requests per task per minute."),
    cpuPercent: z.number().int().min(10).max(95).default(60).describe("Target tracking: average CPU utilisation."),
  })
  .strict()
  .refine((s) => s.maxTasks >= s.minTasks, { message: "maxTasks must be at least minTasks", path: ["maxTasks"] });

const serviceManifestBase = z
  .object({
    $schema: z.string().optional(),
    name: serviceName.describe("Service name: the folder under apps/, and the prefix of its AWS resources."),
    port: z
      .number()
      .int()
      .min(1024, "must be 1024 or higher (the container runs as a non-root user)")
      .max(65535)
      .describe("Port the container listens on."),
    healthCheckPath: z
      .string()
      .regex(/^\/[\w\-./]*$/, "must be a URL path starting with /")
      .default("/health")
      .describe("Path the load balancer's target groups probe."),
    cpu: z
      .literal(FARGATE_CPU_SIZES, {
        error: `must be one of Fargate's cpu sizes: ${FARGATE_CPU_SIZES.join(", ")}`,
      })
      .default(256)
      .describe("Fargate task cpu units (1024 = 1 vCPU)."),
    memory: z.number().int().default(512).describe("Fargate task memory in MiB; must suit the cpu size."),
    desiredCount: z.number().int().min(1).max(1000).default(2).describe("Tasks running after the first deploy."),
    scaling: scaling.default({ minTasks: 2, maxTasks: 6, requestsPerTarget: 500, cpuPercent: 60 }),
    stopTimeoutSeconds: z
      .number()
      .int()
      .min(2)
      .max(120)
      .default(30)
      .describe("Seconds ECS waits after SIGTERM before SIGKILL; the service's shutdown grace is derived from it."),
    deployment: deployment.default({
      engine: "codedeploy",
      strategy: "canary",
      percent: 10,
      intervalMinutes: 5,
      terminationWaitMinutes: 5,
      manualApproval: false,
      testTrafficHook: true,
      breakGlass: false,
    }),
    loadBalancer: z
      .enum(LOAD_BALANCER_MODES)
      .optional()
      .describe(
        "shared: listener rules on the project's shared load balancer (ecs engine only; the default there). dedicated: a load balancer of the service's own (the only choice for codedeploy).",
      ),
    route: route
      .optional()
      .describe(
        "How requests reach the service on the shared load balancer: its path prefix, hosts and rule priority.",
      ),
    environment: z.record(envName, z.string()).default({}).describe("Plain environment variables for the container."),
    secrets: z
      .record(
        envName,
        z.string().regex(/^arn:aws[\w-]*:(secretsmanager|ssm):/, "must be a Secrets Manager or SSM parameter ARN"),
      )
      .default({})
      .describe("Environment variables filled from Secrets Manager or SSM Parameter Store, by ARN."),
  })
  .strict();

export const serviceManifestSchema = serviceManifestBase.superRefine((manifest, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[manifest.cpu];
  if (allowed && !allowed.includes(manifest.memory)) {
    ctx.addIssue({
      code: "custom",
      path: ["memory"],
      message: `${manifest.memory} MiB is not valid with cpu ${manifest.cpu}; choose one of ${allowed.join(", ")}`,
    });
  }
  if (manifest.desiredCount < manifest.scaling.minTasks || manifest.desiredCount > manifest.scaling.maxTasks) {
    ctx.addIssue({
      code: "custom",
      path: ["desiredCount"],
      message: `must lie between scaling.minTasks (${manifest.scaling.minTasks}) and scaling.maxTasks (${manifest.scaling.maxTasks})`,
    });
  }
  for (const key of Object.keys(manifest.environment)) {
    if (PLATFORM_ENVIRONMENT_NAMES.includes(key)) {
      ctx.addIssue({ code: "custom", path: ["environment", key], message: "is set by the platform; remove it" });
    }
    if (key in manifest.secrets) {
      ctx.addIssue({ code: "custom", path: ["environment", key], message: "is also listed under secrets" });
    }
  }
  checkEngine(manifest, ctx);
});

/** What each deployment engine can express, checked before anything is synthesized. */
function checkEngine(manifest: z.output<typeof serviceManifestBase>, ctx: z.core.$RefinementCtx): void {
  const { deployment } = manifest;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (deployment.engine === "codedeploy") {
    if (manifest.loadBalancer === "shared") {
      issue(
        ["loadBalancer"],
        'CodeDeploy switches a listener\'s default action, which a shared listener cannot give each service: use "dedicated", or deployment.engine "ecs"',
      );
    }
    return;
  }
  // ECS's own limits (ECS API: LinearConfiguration, CanaryConfiguration, DeploymentConfiguration).
  if (deployment.intervalMinutes > ECS_MAX_WAIT_MINUTES) {
    issue(
      ["deployment", "intervalMinutes"],
      `the ecs engine waits at most ${ECS_MAX_WAIT_MINUTES} minutes between shifts`,
    );
  }
  if (deployment.terminationWaitMinutes > ECS_MAX_WAIT_MINUTES) {
    issue(
      ["deployment", "terminationWaitMinutes"],
      `the ecs engine's bake time is at most ${ECS_MAX_WAIT_MINUTES} minutes`,
    );
  }
  if (deployment.strategy === "linear" && deployment.percent < ECS_MIN_LINEAR_PERCENT) {
    issue(["deployment", "percent"], `the ecs engine shifts at least ${ECS_MIN_LINEAR_PERCENT}% per linear step`);
  }
  if (
    (manifest.loadBalancer ?? defaultLoadBalancerMode(deployment.engine)) === "shared" &&
    manifest.route?.priority === undefined
  ) {
    issue(
      ["route", "priority"],
      "is required on the shared load balancer: a number from 1 that no other service uses (pnpm plop service writes the next free one); it never changes afterwards",
    );
  }
}

/** ECS-native deployments: the longest wait between shifts and the longest bake time, and the smallest linear step. */
export const ECS_MAX_WAIT_MINUTES = 1440;
export const ECS_MIN_LINEAR_PERCENT = 3;

/** A manifest as written in service.json (defaults optional). */
export type ServiceManifestInput = z.input<typeof serviceManifestSchema>;
/** A validated manifest with every default filled in. */
export type ServiceManifest = z.output<typeof serviceManifestSchema>;
