import { existsSync } from "node:fs";
import path from "node:path";
import { readWorkspace } from "@repo/pipeline-triggers";
import { kebabCaseProblem } from "@repo/service-contract";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { given } from "../plop/interactive.ts";
import { workspaceScope } from "../workspace/scope.ts";

/** npm's limit for a whole package name, scope included. */
const MAX_NPM_NAME_LENGTH = 214;
const MAX_DESCRIPTION_LENGTH = 200;
export const DEFAULT_DESCRIPTION = "Code shared by the services.";

export interface PackageSettings {
  name: string;
  scope: string;
  /** "@scope/name" */
  packageName: string;
  description: string;
}

export interface PackageAnswers {
  name?: unknown;
  description?: unknown;
}

export function packageNameProblem(value: unknown, root: string): string | undefined {
  if (typeof value !== "string" || value === "") return "name: is required (lowercase kebab-case, e.g. money)";
  const nameProblem = kebabCaseProblem(value);
  if (nameProblem) return `name: ${nameProblem}`;
  const packageName = `${workspaceScope(root)}/${value}`;
  if (packageName.length > MAX_NPM_NAME_LENGTH) {
    return `name: "${packageName}" is longer than npm's ${MAX_NPM_NAME_LENGTH} characters`;
  }
  if (existsSync(path.join(root, "packages", value))) return `name: packages/${value} already exists`;
  const existing = readWorkspace(root).byName.get(packageName);
  if (existing) return `name: the package ${packageName} already exists (${existing.manifestPath})`;
  return undefined;
}

export function descriptionProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return "description: must not be empty";
  if (/[\r\n]/.test(value)) return "description: must be one line";
  if (value.length > MAX_DESCRIPTION_LENGTH) return `description: must be at most ${MAX_DESCRIPTION_LENGTH} characters`;
  return undefined;
}

export function resolvePackageSettings(answers: PackageAnswers, root: string): PackageSettings {
  const description = given(answers.description) ? answers.description : DEFAULT_DESCRIPTION;
  const problems = [packageNameProblem(answers.name, root), descriptionProblem(description)].filter(
    (problem): problem is string => problem !== undefined,
  );
  if (problems.length > 0) throw new GeneratorError(problemsMessage("cannot create the package", problems));
  const name = answers.name as string;
  const scope = workspaceScope(root);
  return { name, scope, packageName: `${scope}/${name}`, description: (description as string).trim() };
}
