// The test-traffic hook as the stacks deploy it: which function runs at which lifecycle stage, its environment, its
// timeout, and the bundled code CDK uploads for it (found through the cloud assembly's asset manifest).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { asRecord, joinedString, numberProperty, type Stacks, stringProperty, TemplateError } from "./templates.ts";
import type { ServiceTopology } from "./topology.ts";

/** The host that stands for the load balancer's DNS name in the hook's environment, until the rehearsal fills it in. */
export const LOAD_BALANCER_HOST = "load-balancer.rehearsal.invalid";

/** The only stage each engine's hook is played at (the smoke test through the test listener). */
export const HOOK_STAGES = { codedeploy: "AfterAllowTestTraffic", ecs: "POST_TEST_TRAFFIC_SHIFT" } as const;

export interface HookFunction {
  stage: string;
  logicalId: string;
  functionName: string;
  /** Environment.Variables, with the load balancer's DNS name as LOAD_BALANCER_HOST. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  runtime: string;
  /** The bundled handler: Handler `index.handler` is export `handler` of index.js in the asset's folder. */
  code: { file: string; exportName: string };
  /** ECS: the lifecycle hook's hookDetails, handed to the first invocation. */
  hookDetails: Record<string, unknown> | undefined;
}

/** The appspec.yaml the Build stage wrote, as far as hooks go. */
export interface AppSpecHooks {
  Hooks?: Record<string, unknown>[];
}

/** The hook the engine would run, or undefined when the service has none. */
export function readHookFunction(
  stacks: Stacks,
  topology: ServiceTopology,
  appspec: AppSpecHooks,
): HookFunction | undefined {
  return topology.engine === "ecs" ? ecsHook(stacks, topology) : codeDeployHook(stacks, topology.stack, appspec);
}

/** CodeDeploy runs what appspec.yaml names; the function is found by name in the service's stack. */
function codeDeployHook(stacks: Stacks, stack: string, appspec: AppSpecHooks): HookFunction | undefined {
  const hooks = Object.entries(Object.assign({}, ...(appspec.Hooks ?? [])) as Record<string, unknown>);
  if (hooks.length === 0) return undefined;
  for (const [event] of hooks) {
    if (event !== HOOK_STAGES.codedeploy) {
      throw new TemplateError(`appspec.yaml: hook ${event}: the rehearsal plays ${HOOK_STAGES.codedeploy} only`);
    }
  }
  const name = String(hooks[0]?.[1]);
  const fn = stacks.only(stack, "AWS::Lambda::Function", (candidate) => candidate.properties.FunctionName === name);
  return hookFunction(stacks, fn.logicalId, stack, HOOK_STAGES.codedeploy, undefined);
}

/** ECS runs the service's lifecycle hooks; the one at POST_TEST_TRAFFIC_SHIFT is played. */
function ecsHook(stacks: Stacks, topology: ServiceTopology): HookFunction | undefined {
  const config = asRecord(topology.ecsService.properties.DeploymentConfiguration) ?? {};
  const hooks = Array.isArray(config.LifecycleHooks) ? config.LifecycleHooks.map((hook) => asRecord(hook) ?? {}) : [];
  if (hooks.length === 0) return undefined;
  const [hook, ...more] = hooks;
  const stages = Array.isArray(hook?.LifecycleStages) ? hook.LifecycleStages.map(String) : [];
  if (more.length > 0 || stages.length !== 1 || stages[0] !== HOOK_STAGES.ecs) {
    throw new TemplateError(
      `${topology.stack}: lifecycle hooks at ${hooks.map((entry) => JSON.stringify(entry.LifecycleStages)).join(", ")}: the rehearsal plays one hook at ${HOOK_STAGES.ecs} only`,
    );
  }
  const fn = stacks.referenced(topology.stack, hook?.HookTargetArn, "the lifecycle hook's HookTargetArn");
  return hookFunction(stacks, fn.logicalId, topology.stack, HOOK_STAGES.ecs, asRecord(hook?.HookDetails));
}

function hookFunction(
  stacks: Stacks,
  logicalId: string,
  stack: string,
  stage: string,
  hookDetails: Record<string, unknown> | undefined,
): HookFunction {
  const fn = stacks.resource(stack, logicalId);
  const props = fn.properties;
  const what = `${stack}: function ${logicalId}`;
  const variables = asRecord(asRecord(props.Environment)?.Variables) ?? {};
  const loadBalancerHost = (part: unknown) => {
    const target = stacks.referenced(stack, part, `${what} environment`);
    if (target.type !== "AWS::ElasticLoadBalancingV2::LoadBalancer") {
      throw new TemplateError(
        `${what}: its environment refers to ${target.logicalId} (${target.type}), which the rehearsal cannot fill in`,
      );
    }
    return LOAD_BALANCER_HOST;
  };
  const environment = Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, joinedString(value, loadBalancerHost, `${what} ${name}`)]),
  );
  return {
    stage,
    logicalId,
    functionName: stringProperty(props.FunctionName ?? logicalId, `${what} FunctionName`),
    environment,
    // Lambda's default timeout (3 s) when none is set.
    timeoutSeconds: numberProperty(props.Timeout ?? 3, `${what} Timeout`),
    runtime: stringProperty(props.Runtime, `${what} Runtime`),
    code: bundledCode(stacks.assemblyDir, stack, props, what),
    hookDetails,
  };
}

/** Code.S3Key <hash>.zip is the asset <hash> of the stack's asset manifest, whose source is the bundled folder. */
function bundledCode(
  assemblyDir: string,
  stack: string,
  props: Record<string, unknown>,
  what: string,
): HookFunction["code"] {
  const key = stringProperty(asRecord(props.Code)?.S3Key, `${what} Code.S3Key`);
  const manifestFile = path.join(assemblyDir, `${stack}.assets.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
    files?: Record<string, { source?: { path?: string; packaging?: string } }>;
  };
  const source = manifest.files?.[key.replace(/\.zip$/, "")]?.source;
  if (!source?.path || source.packaging !== "zip") {
    throw new TemplateError(`${manifestFile}: no zip asset for ${what} (Code.S3Key ${key})`);
  }
  const folder = path.resolve(assemblyDir, source.path);
  const handler = stringProperty(props.Handler, `${what} Handler`);
  const dot = handler.lastIndexOf(".");
  const base = path.join(folder, handler.slice(0, dot));
  // What Lambda's Node.js runtime looks for, in its order.
  const file = [".js", ".mjs", ".cjs"]
    .map((extension) => `${base}${extension}`)
    .find((candidate) => existsSync(candidate));
  if (dot <= 0 || !file) throw new TemplateError(`${what}: Handler ${handler} names no file in ${folder}`);
  return { file, exportName: handler.slice(dot + 1) };
}
