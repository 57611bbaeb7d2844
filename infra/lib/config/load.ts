import { readFileSync } from "node:fs";
import { formatIssues } from "@repo/service-manifest";
import { type DeploymentConfig, deploymentConfigSchema } from "./schema.ts";

/** A deployment configuration problem; the message names the file and the field. */
export class DeploymentConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `${file}: ${problems[0]}`
        : `${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${file}: ${p}`).join("\n")}`,
    );
    this.name = "DeploymentConfigError";
  }
}

/** Validates an already-parsed configuration; `file` is only used in error messages. */
export function parseDeploymentConfig(value: unknown, file: string): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(value);
  if (!result.success) throw new DeploymentConfigError(file, formatIssues(result.error.issues));
  return result.data;
}

/** Reads and validates deployment.config.json. */
export function loadDeploymentConfig(file: string): DeploymentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new DeploymentConfigError(file, [
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeploymentConfigError(file, [`is not valid JSON (${(error as Error).message})`]);
  }
  return parseDeploymentConfig(value, file);
}
