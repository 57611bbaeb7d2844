import type { NormalizedSchema } from "@smithy/core/schema";
import { formatIssues, type Issue, ValidationError } from "./errors.ts";
import type { ImageReference } from "./image.ts";
import type { CreateTaskDefOptions, Env } from "./options.ts";
import { childSchema, isPlainObject, registerInputSchemaAt, scalarKind } from "./register-schema.ts";

/** `${NAME}`: upper-case letters, digits and underscores, as environment variable names. */
const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
const WHOLE_PLACEHOLDER = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;

/** Where a person sets a variable that is missing (the derived ones come from flags). */
const VARIABLE_SOURCES: Record<string, string> = {
  TASK_FAMILY: "--family or TASK_FAMILY",
  CONTAINER_NAME: "--container or CONTAINER_NAME",
  CONTAINER_PORT: "--port or CONTAINER_PORT",
  AWS_REGION: "AWS_REGION or AWS_DEFAULT_REGION",
  SERVICE_VERSION: "SERVICE_VERSION, or an --image with a tag",
};

/**
 * The values `${NAME}` placeholders are filled from: the whole environment, overridden by what the flags decided
 * (family, container, port, image), plus AWS_REGION falling back to AWS_DEFAULT_REGION and SERVICE_VERSION falling
 * back to the image tag. An empty value counts as missing.
 */
export function templateVariables(
  options: Pick<CreateTaskDefOptions, "family" | "container" | "port">,
  image: { reference: ImageReference; uri: string },
  env: Env,
): Record<string, string | undefined> {
  return {
    ...env,
    AWS_REGION: env.AWS_REGION || env.AWS_DEFAULT_REGION,
    SERVICE_VERSION: env.SERVICE_VERSION || image.reference.tag,
    TASK_FAMILY: options.family ?? env.TASK_FAMILY,
    CONTAINER_NAME: options.container,
    CONTAINER_PORT: options.port === undefined ? env.CONTAINER_PORT : String(options.port),
    IMAGE_URI: image.uri,
    IMAGE_TAG: image.reference.tag,
  };
}

/**
 * Renders taskdef.template.json. Placeholders are filled inside the parsed JSON, so values are always escaped
 * correctly. Where the ECS model says a member is a number (containerPort, stopTimeout, ...) or a boolean, the string
 * must be exactly one placeholder and its value becomes a JSON number / boolean; task-level cpu and memory stay
 * strings, as the model defines them. All missing variables are reported together.
 */
export function renderTaskDefinitionTemplate(
  text: string,
  file: string,
  variables: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isPlainObject(parsed)) throw new ValidationError(`${file}: must contain a JSON object`);

  const missing = new Set<string>();
  const issues: Issue[] = [];
  const fill = (value: unknown, schema: NormalizedSchema | undefined, path: string): unknown => {
    if (typeof value === "string") return fillString(value, schema, path);
    if (Array.isArray(value))
      return value.map((item, index) => fill(item, childSchema(schema, "*"), `${path}[${index}]`));
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, child]) => [
          key,
          fill(child, childSchema(schema, key), path === "" ? key : `${path}.${key}`),
        ]),
      );
    }
    return value;
  };
  const fillString = (value: string, schema: NormalizedSchema | undefined, path: string): unknown => {
    const names = [...value.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
    if (names.length === 0) return value;
    const absent = names.filter((name) => !variables[name]);
    for (const name of absent) missing.add(name);
    if (absent.length > 0) return value;

    if (schema && (schema.isListSchema() || schema.isStructSchema() || schema.isMapSchema())) {
      return fillStructured(value, schema.isListSchema() ? "list" : "object", path);
    }
    const kind = scalarKind(schema);
    if (kind === "number" || kind === "boolean") {
      const whole = WHOLE_PLACEHOLDER.exec(value);
      if (!whole) {
        issues.push({
          path,
          problem: `must be a ${kind}: use exactly one placeholder, e.g. "\${NAME}", nothing around it`,
        });
        return value;
      }
      const name = whole[1] as string;
      const raw = (variables[name] as string).trim();
      if (kind === "number") {
        if (!/^-?\d+(\.\d+)?$/.test(raw))
          issues.push({ path, problem: `\${${name}} is ${JSON.stringify(raw)}, not a number` });
        return Number(raw);
      }
      if (raw !== "true" && raw !== "false") {
        issues.push({ path, problem: `\${${name}} is ${JSON.stringify(raw)}, not true or false` });
      }
      return raw === "true";
    }
    return value.replace(PLACEHOLDER, (_match, name: string) => variables[name] as string);
  };

  // A list or structure member given as one placeholder (e.g. "environment": "${CONTAINER_ENVIRONMENT}") takes its
  // variable's value as JSON; the schema check after rendering validates what it holds.
  const fillStructured = (value: string, kind: "list" | "object", path: string): unknown => {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (!whole) {
      issues.push({ path, problem: `must be a ${kind}: use exactly one placeholder whose value is JSON` });
      return value;
    }
    const name = whole[1] as string;
    let parsed: unknown;
    try {
      parsed = JSON.parse(variables[name] as string);
    } catch (error) {
      issues.push({ path, problem: `\${${name}} is not JSON (${(error as Error).message})` });
      return value;
    }
    if (kind === "list" ? !Array.isArray(parsed) : !isPlainObject(parsed)) {
      issues.push({ path, problem: `\${${name}} must hold a JSON ${kind === "list" ? "array" : "object"}` });
    }
    return parsed;
  };

  const rendered = fill(parsed, registerInputSchemaAt([]), "") as Record<string, unknown>;
  if (missing.size > 0) {
    const list = [...missing].map((name) => (VARIABLE_SOURCES[name] ? `${name} (${VARIABLE_SOURCES[name]})` : name));
    throw new ValidationError(`${file}: no value for ${missing.size} template variable(s): ${list.join(", ")}`);
  }
  if (issues.length > 0)
    throw new ValidationError(`${file}: template values of the wrong type:\n${formatIssues(issues)}`);
  return rendered;
}
