import path from "node:path";
import { FileProblemsError, formatIssues, readJsonFile } from "../files.ts";
import { type DeploymentConfig, deploymentConfigSchema, withLevelDefaults } from "./schema.ts";

/** A deployment configuration problem; the message names the file and the field. */
export class DeploymentConfigError extends FileProblemsError {
  override name = "DeploymentConfigError";
}

/** Validates an already-parsed configuration; `file` is only used in error messages. */
export function parseDeploymentConfig(value: unknown, file: string): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(value);
  if (!result.success) throw new DeploymentConfigError(file, formatIssues(result.error.issues));
  return withLevelDefaults(result.data);
}

/** Reads and validates deployment.config.json. */
export function loadDeploymentConfig(file: string): DeploymentConfig {
  const read = readJsonFile(file);
  if ("problem" in read) throw new DeploymentConfigError(file, [read.problem]);
  return parseDeploymentConfig(read.value, file);
}

/** Where a repository keeps its deployment configuration, relative to the repository root. */
export const DEPLOYMENT_CONFIG_FILE = "infra/deployment.config.json";

/** Reads and validates the repository's own deployment configuration (DEPLOYMENT_CONFIG_FILE). */
export function loadRepositoryDeploymentConfig(repoRoot: string): DeploymentConfig {
  return loadDeploymentConfig(path.join(repoRoot, DEPLOYMENT_CONFIG_FILE));
}
