import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { triggerPathsForAllServices } from "@repo/pipeline-triggers";
import {
  DEPLOYMENT_CONFIG_FILE,
  type DeploymentConfig,
  type DiscoveredService,
  discoverServices,
  loadBalancerMode,
  loadDeploymentConfig,
  projectNames,
  resolveEnvironment,
  serviceNames,
  serviceRoute,
  sharedLoadBalancerIndex,
} from "@repo/service-contract";
import { App, AspectPriority, Aspects, Tags, Validations } from "aws-cdk-lib";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import type * as logs from "aws-cdk-lib/aws-logs";
import { CustomResourceConfig } from "aws-cdk-lib/custom-resources";
import { DISABLE_ASSET_STAGING_CONTEXT, DISABLE_CREATION_STACK_TRACES } from "aws-cdk-lib/cx-api";
import cdkNag from "cdk-nag";
import { BuildContext } from "./build-context.ts";
import { ControlTowerChecks } from "./compliance/control-tower-checks.ts";
import { applyControlTowerLevel } from "./compliance/control-tower-level.ts";
import { loadExceptions, stackKinds } from "./compliance/exceptions.ts";
import { LambdaLogRetention } from "./lambda-log-retention.ts";
import { ServiceStack } from "./stacks/service-stack.ts";
import { SharedStack } from "./stacks/shared-stack.ts";
import { type SynthPhase, timed } from "./synth-timings.ts";

export const INFRA_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_REPO_ROOT = path.resolve(INFRA_ROOT, "..");
export const DEFAULT_CONFIG_FILE = path.join(DEFAULT_REPO_ROOT, DEPLOYMENT_CONFIG_FILE);
/** The Control Tower controls a resource may fail at the control-tower compliance level, each with its reason. */
export const CONTROL_TOWER_EXCEPTIONS_FILE = path.join(INFRA_ROOT, "compliance", "exceptions.json");

export interface InfraOptions {
  /** Where apps/<service>/service.json are discovered, and the Docker build context of the initial images. */
  repoRoot?: string;
  configFile?: string;
  /** Use this configuration instead of reading configFile (tests); configFile still names it in errors. */
  config?: DeploymentConfig;
  /** Environment for CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides the default initial image (the service's Dockerfile as an image asset). */
  initialImage?: (service: DiscoveredService) => ecs.ContainerImage;
  /** Register cdk-nag AwsSolutions as a synth-time validation plugin (default true): any finding fails synth. */
  nag?: boolean;
  /**
   * At the control-tower compliance level, register the Control Tower rules as a synth-time validation plugin
   * (default true): a failure not in the exception file fails synth. Not registered at the standard level, whose
   * failures are known (docs/security.md) and whose synth stays fast.
   */
  controlTowerChecks?: boolean;
}

export interface Infra {
  shared: SharedStack;
  services: ServiceStack[];
  config: DeploymentConfig;
}

export interface CreateAppOptions {
  outdir?: string;
  /**
   * Run CDK's built-in CloudFormation template validation at synth (default: INFRA_CFN_VALIDATION=1). Off by
   * default: it costs seconds per stack; `pnpm synth:validate` and a test run it.
   */
  cfnValidation?: boolean;
  /** Extra context (e.g. `{ [DISABLE_ASSET_STAGING_CONTEXT]: false }` to stage assets into cdk.out). */
  context?: Record<string, unknown>;
}

/** An App with cdk.json's context (feature flags), so tests synthesize exactly what `cdk synth` does. */
export function createApp(options: CreateAppOptions = {}): App {
  const cdkJson = JSON.parse(readFileSync(path.join(INFRA_ROOT, "cdk.json"), "utf8")) as {
    context: Record<string, unknown>;
  };
  return new App({
    context: {
      ...cdkJson.context,
      // Docker build context = repository root: staging would copy the repository into cdk.out once per service
      // (seconds per service). Unstaged, cdk.out's asset manifest points at the sources themselves.
      [DISABLE_ASSET_STAGING_CONTEXT]: true,
      // No stack trace captured for every resource (a third of each stack's metadata.json, and time per resource),
      // as the cdk CLI used to ask unless --debug. `cdk synth --debug` (CDK_DEBUG=true) brings them back.
      [DISABLE_CREATION_STACK_TRACES]: true,
      ...options.context,
    },
    builtinCloudFormationValidation: options.cfnValidation ?? process.env.INFRA_CFN_VALIDATION === "1",
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
}

/** Builds the shared stack and one stack per discovered service into `app`. */
export function buildInfra(app: App, options: InfraOptions = {}): Infra {
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  const configFile = options.configFile ?? DEFAULT_CONFIG_FILE;
  const config = options.config ?? loadDeploymentConfig(configFile);
  const environment = resolveEnvironment(config, options.env ?? process.env);
  const env = { account: environment.account, region: environment.region };
  const logRetention = config.logRetentionDays as logs.RetentionDays;
  const services = discoverServices(repoRoot);
  // From the workspace graph, at synth time: each service's folder, its workspace dependencies, the root build inputs.
  const triggerPaths = new Map(triggerPathsForAllServices(repoRoot).map((entry) => [entry.service, entry.paths]));
  const pathsOf = (service: DiscoveredService): string[] => {
    const paths = triggerPaths.get(service.manifest.name);
    if (!paths) throw new Error(`no trigger paths computed for ${service.dir}`);
    return paths;
  };

  // The Lambdas CDK itself adds (e.g. the custom resource that locks the VPC's default security group) get a
  // log group with the same retention as everything else.
  CustomResourceConfig.of(app).addLogRetentionLifetime(logRetention);
  Aspects.of(app).add(new LambdaLogRetention(logRetention), { priority: AspectPriority.MUTATING });
  Tags.of(app).add("project", config.projectName);

  const shared = new SharedStack(app, projectNames(config.projectName).sharedStack, {
    env,
    description: `${config.projectName}: VPC, ECS cluster, artifact bucket, notifications and source routing shared by every service`,
    config,
    environment,
    configFile,
    logRetention,
    pipelines: Object.fromEntries(
      services.map((service) => [serviceNames(config.projectName, service.manifest.name).pipeline, pathsOf(service)]),
    ),
    sharedLoadBalancerIndexes: services
      .filter((service) => loadBalancerMode(service.manifest) === "shared")
      .map((service) => sharedLoadBalancerIndex(serviceRoute(service.manifest).priority)),
  });

  const buildContext = new BuildContext(repoRoot);
  const serviceStacks = services.map((service) => {
    const stack = new ServiceStack(app, serviceNames(config.projectName, service.manifest.name).stack, {
      env,
      description: `${config.projectName}: ${service.manifest.name} (${service.dir}) on ECS Fargate, CodeDeploy blue/green, its pipeline`,
      config,
      service,
      shared,
      logRetention,
      buildContext,
      triggerPaths: pathsOf(service),
      ...(options.initialImage ? { initialImage: options.initialImage(service) } : {}),
    });
    stack.addStackDependency(shared);
    return stack;
  });

  if (config.compliance === "control-tower") {
    for (const stack of [shared, ...serviceStacks]) applyControlTowerLevel(stack);
    if (options.controlTowerChecks ?? true) {
      const checks = new ControlTowerChecks({
        exceptions: loadExceptions(CONTROL_TOWER_EXCEPTIONS_FILE),
        stackKinds: stackKinds(shared, serviceStacks),
      });
      Validations.of(app).addPlugins(timedPlugin("control-tower validation", checks));
    }
  }
  if (options.nag ?? true) {
    const nag = new cdkNag.AwsSolutionsChecks(app, { verbose: true });
    Validations.of(app).addPlugins(timedPlugin("cdk-nag validation", nag));
  }
  return { shared, services: serviceStacks, config };
}

/** `plugin`, its validation charged to `phase` (see synth-timings.ts). */
function timedPlugin<Plugin extends { validate(context: never): unknown }>(phase: SynthPhase, plugin: Plugin): Plugin {
  const validate = plugin.validate.bind(plugin);
  plugin.validate = ((context: never) => timed(phase, () => validate(context))) as Plugin["validate"];
  return plugin;
}
