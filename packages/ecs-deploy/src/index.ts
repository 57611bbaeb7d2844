export { type DeployArtifacts, readDeployArtifacts } from "./artifacts.ts";
export {
  DEFAULT_HEARTBEAT_MS,
  type DeployContext,
  type DeployOutcome,
  type DeployResult,
  deploy,
} from "./deploy.ts";
export { describeProgress, failureReason, hasEnded, runsImage } from "./deployment.ts";
export {
  AwsError,
  DeploymentFailedError,
  DeploymentTimeoutError,
  EcsDeployError,
  EXIT_CODES,
  type FailureKind,
  UsageError,
  ValidationError,
} from "./errors.ts";
export { main, VERSION } from "./main.ts";
export {
  CLI_FLAGS,
  DEFAULTS,
  type DeployOptions,
  ENV_FALLBACKS,
  type Env,
  type Invocation,
  ON_TIMEOUT,
  type OnTimeout,
  parseCommandLine,
} from "./options.ts";
export { type Clock, MAX_BACKOFF_MS, MAX_FAILED_POLLS, systemClock } from "./poller.ts";
