import { readFileSync } from "node:fs";
import type { Stack } from "aws-cdk-lib";
import { z } from "zod";
import type { ControlTowerFinding } from "./control-tower-rules.ts";
import { controlTowerRuleFiles } from "./control-tower-rules.ts";

/** The kinds of stack an exception can name: the shared stack, or every service's stack. */
export const STACK_KINDS = ["shared", "service"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/**
 * Why an exception exists: the design needs it; the rule cannot see what the template does (a cross-stack reference
 * where it accepts only a literal or a resource of the same template); or a gap to close elsewhere first.
 */
export const EXCEPTION_KINDS = ["by design", "false positive", "follow-up"] as const;

/** Shortest reason accepted: a reason names what the resource does instead, not just "not needed". */
const MIN_REASON_LENGTH = 60;

const exceptionSchema = z
  .object({
    control: z
      .string()
      .regex(/^CT\.[A-Z0-9-]+\.PR\.\d+$/, "must be a Control Tower control id such as CT.S3.PR.1")
      .refine((control) => controlTowerRuleFiles().some((rule) => rule.control === control), {
        error: (issue) => `${String(issue.input)} is not a control @cdklabs/cdk-validator-cfnguard ships`,
      }),
    stack: z.enum(STACK_KINDS),
    resource: z
      .string()
      .min(1)
      .refine((value) => !value.startsWith("/") && !value.endsWith("/"), "must be a construct path inside the stack"),
    kind: z.enum(EXCEPTION_KINDS),
    reason: z.string().min(MIN_REASON_LENGTH, `must say why, in at least ${MIN_REASON_LENGTH} characters`),
  })
  .strict();

const exceptionsFileSchema = z
  .object({ $comment: z.string().optional(), exceptions: z.array(exceptionSchema) })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.exceptions.forEach((entry, index) => {
      const key = exceptionKey(entry);
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["exceptions", index], message: `repeats ${key}` });
      }
      seen.add(key);
    });
  });

/** One Control Tower control that one resource is allowed to fail, and why. */
export type ControlTowerException = z.output<typeof exceptionSchema>;

/** The exception file is malformed; the message names the file and the entry. */
export class ComplianceExceptionsError extends Error {
  override name = "ComplianceExceptionsError";
}

export function loadExceptions(file: string): ControlTowerException[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ComplianceExceptionsError(`${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  const result = exceptionsFileSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${file}: ${issue.path.join(".")}: ${issue.message}`);
    throw new ComplianceExceptionsError(problems.join("\n"));
  }
  return result.data.exceptions;
}

export function exceptionKey(entry: Pick<ControlTowerException, "control" | "stack" | "resource">): string {
  return `${entry.control} ${entry.stack}:${entry.resource}`;
}

export interface ExceptionsApplied {
  /** Findings no exception covers: each fails synthesis. */
  failures: ControlTowerFinding[];
  /** Each exception with the findings it covered (none: it no longer fails here). */
  used: Map<ControlTowerException, ControlTowerFinding[]>;
}

/** Splits the findings into those an exception covers and the rest; `kindOf` tells a stack's kind by its path. */
export function applyExceptions(
  findings: readonly ControlTowerFinding[],
  exceptions: readonly ControlTowerException[],
  kindOf: (stack: string) => StackKind | undefined,
): ExceptionsApplied {
  const byKey = new Map(exceptions.map((entry) => [exceptionKey(entry), entry]));
  const used = new Map<ControlTowerException, ControlTowerFinding[]>(exceptions.map((entry) => [entry, []]));
  const failures: ControlTowerFinding[] = [];
  for (const finding of findings) {
    const kind = kindOf(finding.stack);
    const entry =
      kind && byKey.get(exceptionKey({ control: finding.control, stack: kind, resource: finding.resource }));
    if (entry) used.get(entry)?.push(finding);
    else failures.push(finding);
  }
  return { failures, used };
}

/** Each stack's kind by its construct path: the shared stack, and the service stacks. */
export function stackKinds(shared: Stack, services: readonly Stack[]): Map<string, StackKind> {
  return new Map<string, StackKind>([
    [shared.node.path, "shared"],
    ...services.map((stack): [string, StackKind] => [stack.node.path, "service"]),
  ]);
}
