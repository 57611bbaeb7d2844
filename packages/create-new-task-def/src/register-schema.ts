import { RegisterTaskDefinitionRequest$, TaskDefinition$ } from "@aws-sdk/client-ecs";
import { NormalizedSchema } from "@smithy/core/schema";
import type { Issue } from "./errors.ts";

/**
 * The allowed shape of taskdef.json comes from the ECS API model that ships inside @aws-sdk/client-ecs (its
 * serializable schema, read through @smithy/core's NormalizedSchema), not from a hand-written list: when ECS adds a
 * member and the SDK is updated, this check follows.
 */
const registerRequest = NormalizedSchema.of(RegisterTaskDefinitionRequest$);
const describedTaskDefinition = NormalizedSchema.of(TaskDefinition$);

/** Top-level members RegisterTaskDefinition accepts, in model order. */
export function registerInputMembers(): string[] {
  return Object.keys(registerRequest.getMemberSchemas());
}

/**
 * Members DescribeTaskDefinition returns that RegisterTaskDefinition rejects (taskDefinitionArn, revision, status,
 * requiresAttributes, compatibilities, registeredAt, registeredBy, deregisteredAt, and whatever else is output-only
 * in the installed model).
 */
export function readOnlyTaskDefinitionMembers(): string[] {
  const input = new Set(registerInputMembers());
  return Object.keys(describedTaskDefinition.getMemberSchemas()).filter((name) => !input.has(name));
}

/** The schema of a member at a path such as ["containerDefinitions", "*", "portMappings", "*", "containerPort"]. */
export function registerInputSchemaAt(path: readonly string[]): NormalizedSchema | undefined {
  let schema: NormalizedSchema | undefined = registerRequest;
  for (const step of path) {
    schema = childSchema(schema, step);
    if (!schema) return undefined;
  }
  return schema;
}

/** The schema of an object key or array element below `schema`; undefined when the model has no such member. */
export function childSchema(schema: NormalizedSchema | undefined, key: string): NormalizedSchema | undefined {
  if (!schema) return undefined;
  if (schema.isStructSchema()) return schema.getMemberSchemas()[key];
  if (schema.isListSchema() || schema.isMapSchema()) return schema.getValueSchema();
  return undefined;
}

export type ScalarKind = "string" | "number" | "boolean" | "other";

export function scalarKind(schema: NormalizedSchema | undefined): ScalarKind {
  if (!schema) return "other";
  if (schema.isStringSchema()) return "string";
  if (schema.isNumericSchema()) return "number";
  if (schema.isBooleanSchema()) return "boolean";
  return "other";
}

/**
 * Walks a would-be RegisterTaskDefinition input and reports every key the model does not define and every value of
 * the wrong JSON type, with its path (e.g. `containerDefinitions[0].portMappings[1].containerPort`).
 */
export function checkRegisterInput(input: unknown): Issue[] {
  const issues: Issue[] = [];
  const readOnly = new Set(readOnlyTaskDefinitionMembers());
  if (!isPlainObject(input)) {
    return [{ path: "(root)", problem: "must be a JSON object" }];
  }
  for (const [key, value] of Object.entries(input)) {
    if (readOnly.has(key)) {
      issues.push({
        path: key,
        problem: "is read-only (only DescribeTaskDefinition returns it); RegisterTaskDefinition rejects it: remove it",
      });
      continue;
    }
    const member = registerRequest.getMemberSchemas()[key];
    if (!member) {
      issues.push({ path: key, problem: unknownMemberProblem(registerRequest) });
      continue;
    }
    walk(member, value, key, issues);
  }
  return issues;
}

function walk(schema: NormalizedSchema, value: unknown, path: string, issues: Issue[]): void {
  if (value === null || value === undefined) {
    issues.push({ path, problem: "is null; omit the field instead" });
    return;
  }
  if (schema.isStructSchema()) {
    if (!isPlainObject(value)) {
      issues.push({ path, problem: `must be an object (${schema.getName()})` });
      return;
    }
    const members = schema.getMemberSchemas();
    for (const [key, child] of Object.entries(value)) {
      const member = members[key];
      if (member) walk(member, child, `${path}.${key}`, issues);
      else issues.push({ path: `${path}.${key}`, problem: unknownMemberProblem(schema) });
    }
    return;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) {
      issues.push({ path, problem: "must be an array" });
      return;
    }
    const element = schema.getValueSchema();
    value.forEach((item, index) => {
      walk(element, item, `${path}[${index}]`, issues);
    });
    return;
  }
  if (schema.isMapSchema()) {
    if (!isPlainObject(value)) {
      issues.push({ path, problem: "must be an object (a map)" });
      return;
    }
    const valueSchema = schema.getValueSchema();
    for (const [key, child] of Object.entries(value)) walk(valueSchema, child, `${path}.${key}`, issues);
    return;
  }
  const expected = scalarKind(schema);
  if (expected === "number" && (typeof value !== "number" || !Number.isFinite(value))) {
    issues.push({ path, problem: `must be a number, got ${describe(value)}` });
  } else if (expected === "string" && typeof value !== "string") {
    issues.push({ path, problem: `must be a string, got ${describe(value)}` });
  } else if (expected === "boolean" && typeof value !== "boolean") {
    issues.push({ path, problem: `must be true or false, got ${describe(value)}` });
  }
}

function unknownMemberProblem(parent: NormalizedSchema): string {
  const allowed = Object.keys(parent.getMemberSchemas()).join(", ");
  return `is not a RegisterTaskDefinition input member of ${parent.getName()} (allowed: ${allowed})`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Tag keys starting with `aws:` (any case) are reserved for AWS; RegisterTaskDefinition refuses them. */
export function isAwsReservedTagKey(key: string | undefined): boolean {
  return key?.toLowerCase().startsWith("aws:") ?? false;
}
