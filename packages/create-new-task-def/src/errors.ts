import { CliFailure, EXIT, failureOfKind } from "@repo/devkit/cli";

/**
 * Every failure this tool reports is one of these kinds; each kind has its own exit code so a pipeline (or a person)
 * can tell a wrong invocation from a wrong task definition, an AWS problem, or a file-system problem.
 */
export const EXIT_CODES = {
  ok: EXIT.ok,
  unexpected: EXIT.failure,
  usage: EXIT.usage,
  validation: 3,
  aws: 4,
  output: 5,
} as const;

export type FailureKind = "usage" | "validation" | "aws" | "output";

export class CreateTaskDefError extends CliFailure<FailureKind> {
  constructor(kind: FailureKind, message: string, options?: ErrorOptions) {
    super(kind, message, EXIT_CODES[kind], options);
  }
}

/** Wrong or missing flags / environment variables, or an input file that cannot be read. */
export class UsageError extends failureOfKind(CreateTaskDefError, "usage") {}

/** The task definition, template or appspec is not something CodeDeploy / RegisterTaskDefinition would accept. */
export class ValidationError extends failureOfKind(CreateTaskDefError, "validation") {}

/** ECS could not be asked, or refused: region, credentials, permissions, throttling, unknown family. */
export class AwsError extends failureOfKind(CreateTaskDefError, "aws") {}

/** The output folder or one of the three files could not be written. */
export class OutputError extends failureOfKind(CreateTaskDefError, "output") {}

/** One problem at one place; several are joined into a single error message. */
export interface Issue {
  path: string;
  problem: string;
}

export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `  - ${issue.path}: ${issue.problem}`).join("\n");
}
