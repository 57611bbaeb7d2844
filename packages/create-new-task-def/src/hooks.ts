import { UsageError } from "./errors.ts";

/** The ECS blue/green lifecycle events an AppSpec may attach a Lambda function to, in the order CodeDeploy runs them. */
export const HOOK_EVENTS = [
  "BeforeInstall",
  "AfterInstall",
  "AfterAllowTestTraffic",
  "BeforeAllowTraffic",
  "AfterAllowTraffic",
] as const;

export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Lambda function (name or ARN) per lifecycle event. */
export type HookFunctions = Partial<Record<HookEvent, string>>;

/** `AfterAllowTestTraffic` -> `HOOK_AFTER_ALLOW_TEST_TRAFFIC`. */
export function hookEnvName(event: HookEvent): string {
  return `HOOK_${event.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

export function isLambdaFunctionReference(value: string): boolean {
  return FUNCTION_NAME.test(value) || FUNCTION_ARN.test(value);
}

function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

/** Hooks from the environment (HOOK_*), overridden per event by `--hook Event=function` flags. */
export function resolveHooks(
  flags: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): HookFunctions {
  const hooks: HookFunctions = {};
  for (const event of HOOK_EVENTS) {
    const fromEnv = env[hookEnvName(event)]?.trim();
    if (fromEnv) hooks[event] = checkedFunction(fromEnv, hookEnvName(event));
  }
  for (const flag of flags) {
    const separator = flag.indexOf("=");
    const event = separator === -1 ? flag : flag.slice(0, separator);
    const fn = separator === -1 ? "" : flag.slice(separator + 1).trim();
    if (!isHookEvent(event)) {
      throw new UsageError(
        `--hook ${JSON.stringify(flag)}: unknown lifecycle event (use one of ${HOOK_EVENTS.join(", ")})`,
      );
    }
    if (fn === "")
      throw new UsageError(`--hook ${JSON.stringify(flag)}: expected ${event}=<lambda function name or ARN>`);
    hooks[event] = checkedFunction(fn, `--hook ${event}`);
  }
  return hooks;
}

function checkedFunction(value: string, source: string): string {
  if (!isLambdaFunctionReference(value)) {
    throw new UsageError(`${source}: ${JSON.stringify(value)} is not a Lambda function name or ARN`);
  }
  return value;
}
