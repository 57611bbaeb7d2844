// What infra needs at synth time: the functions' entry points and the builders of their environments and event
// patterns. Nothing here imports the AWS SDK; the handlers (each folder's index.ts) are only bundled, never loaded.
export {
  ECS_HOOK_DEFAULTS,
  ECS_HOOK_ENV,
  ECS_SMOKE_TEST_STAGE,
  type EcsHookTarget,
  ecsHookEnvironment,
} from "./ecs-test-traffic-hook/config.ts";
export { LAMBDA_NAMES, type LambdaName, lambdaEntry } from "./entries.ts";
export {
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  parseRouterConfig,
  ROUTER_ENV,
  type RouterConfig,
  RouterConfigError,
  routerEnvironment,
} from "./push-router/config.ts";
export { codeCommitPushEventPattern } from "./push-router/event-pattern.ts";
export {
  SMOKE_TEST_DEFAULTS,
  SMOKE_TEST_ENV,
  type SmokeTestTarget,
  smokeTestEnvironment,
} from "./smoke-test/environment.ts";
