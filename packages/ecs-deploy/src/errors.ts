import { EXIT_CODES as SHARED_EXIT_CODES } from "@repo/create-new-task-def";
import { CliFailure, failureOfKind } from "@repo/devkit/cli";

/**
 * The exit codes 0-4 mean what they mean for create-new-task-def (the Build stage's CLI), so a pipeline log reads the
 * same for both. 5 is create-new-task-def's output error and is not used here; a deployment ECS ended without success
 * and a deployment still running at the timeout have their own codes.
 */
export const EXIT_CODES = {
  ok: SHARED_EXIT_CODES.ok,
  unexpected: SHARED_EXIT_CODES.unexpected,
  usage: SHARED_EXIT_CODES.usage,
  validation: SHARED_EXIT_CODES.validation,
  aws: SHARED_EXIT_CODES.aws,
  deploymentFailed: 6,
  timedOut: 7,
} as const;

export type FailureKind = "usage" | "validation" | "aws" | "deploymentFailed" | "timedOut";

export class EcsDeployError extends CliFailure<FailureKind> {
  constructor(kind: FailureKind, message: string, options?: ErrorOptions) {
    super(kind, message, EXIT_CODES[kind], options);
  }
}

/** Wrong or missing flags / environment variables, or an input file that cannot be read. */
export class UsageError extends failureOfKind(EcsDeployError, "usage") {}

/** The artifacts or the service are not something this step can deploy; nothing was changed in ECS. */
export class ValidationError extends failureOfKind(EcsDeployError, "validation") {}

/** ECS could not be asked, or refused: region, credentials, permissions, persistent throttling, unknown service. */
export class AwsError extends EcsDeployError {
  /** Throttling, a 5xx or a network fault that outlasted the SDK's own retries: worth asking again later. */
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super("aws", message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/** ECS ended the service deployment without success: rolled back (alarm, circuit breaker, hook) or stopped. */
export class DeploymentFailedError extends failureOfKind(EcsDeployError, "deploymentFailed") {}

/** The service deployment had not ended when the timeout came. */
export class DeploymentTimeoutError extends failureOfKind(EcsDeployError, "timedOut") {}
