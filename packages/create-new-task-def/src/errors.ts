/**
 * Every failure this tool reports is one of these kinds; each kind has its own exit code so a pipeline (or a person)
 * can tell a wrong invocation from a wrong task definition, an AWS problem, or a file-system problem.
 */
export const EXIT_CODES = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  validation: 3,
  aws: 4,
  output: 5,
} as const;

export type FailureKind = "usage" | "validation" | "aws" | "output";

export class CreateTaskDefError extends Error {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CreateTaskDefError";
    this.kind = kind;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** Wrong or missing flags / environment variables, or an input file that cannot be read. */
export class UsageError extends CreateTaskDefError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
    this.name = "UsageError";
  }
}

/** The task definition, template or appspec is not something CodeDeploy / RegisterTaskDefinition would accept. */
export class ValidationError extends CreateTaskDefError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("validation", message, options);
    this.name = "ValidationError";
  }
}

/** ECS could not be asked, or refused: region, credentials, permissions, throttling, unknown family. */
export class AwsError extends CreateTaskDefError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("aws", message, options);
    this.name = "AwsError";
  }
}

/** The output folder or one of the three files could not be written. */
export class OutputError extends CreateTaskDefError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("output", message, options);
    this.name = "OutputError";
  }
}

/** One problem at one place; several are joined into a single error message. */
export interface Issue {
  path: string;
  problem: string;
}

export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `  - ${issue.path}: ${issue.problem}`).join("\n");
}
