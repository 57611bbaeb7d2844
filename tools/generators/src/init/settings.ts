import { readFileSync } from "node:fs";
import path from "node:path";
import { type DeploymentConfigInput, deploymentConfigSchema, formatIssues } from "@repo/service-contract";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { given } from "../plop/interactive.ts";
import { SCOPE_PATTERN, workspaceScope } from "../workspace/scope.ts";

export const DEPLOYMENT_CONFIG = "infra/deployment.config.json";
export const DEFAULT_REGION = "us-east-1";

type SourceInput = NonNullable<DeploymentConfigInput["source"]>;

/** What `init` sets: the npm scope of every package, and infra's project name, region and source. */
export interface InitSettings {
  scope: string;
  projectName: string;
  region: string;
  source: SourceInput;
  /** Remove the template maintainers' tools (./maintainers.ts). */
  removeMaintainers: boolean;
}

export interface InitAnswers {
  scope?: unknown;
  projectName?: unknown;
  region?: unknown;
  /** A CodeCommit repository name, or a CodeConnections connection ARN. */
  source?: unknown;
  /** owner/repo: with a connection ARN only. */
  repository?: unknown;
  branch?: unknown;
  /** yes / no (a boolean from the prompt). */
  removeMaintainers?: unknown;
}

/** The repository as it is now: the defaults of every answer, so running init again with them changes nothing. */
export interface CurrentSetup {
  scope: string;
  projectName: string;
  region: string | undefined;
  source: SourceInput;
  /** The configuration file as parsed (unknown fields kept). */
  config: Record<string, unknown>;
  configText: string;
}

const shape = deploymentConfigSchema.shape;

export function readCurrentSetup(root: string): CurrentSetup {
  let configText: string;
  try {
    configText = readFileSync(path.join(root, DEPLOYMENT_CONFIG), "utf8");
  } catch (error) {
    throw new GeneratorError(`${DEPLOYMENT_CONFIG}: cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(configText) as Record<string, unknown>;
  } catch (error) {
    throw new GeneratorError(`${DEPLOYMENT_CONFIG}: is not valid JSON (${(error as Error).message})`);
  }
  const parsed = deploymentConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new GeneratorError(problemsMessage(DEPLOYMENT_CONFIG, formatIssues(parsed.error.issues)));
  }
  return {
    scope: workspaceScope(root),
    projectName: parsed.data.projectName,
    region: parsed.data.region,
    source: parsed.data.source,
    config,
    configText,
  };
}

export function isConnectionArn(value: unknown): boolean {
  return typeof value === "string" && value.startsWith("arn:");
}

/** The source answer's default: what the configuration names now. */
export function currentSourceAnswer(current: CurrentSetup): string {
  return current.source.type === "codecommit" ? current.source.repositoryName : current.source.connectionArn;
}

/** The repository answer's default: the configured owner/repo when the source stays a connection. */
export function currentRepositoryAnswer(current: CurrentSetup, source: unknown): string {
  return isConnectionArn(source) && current.source.type === "codeconnections"
    ? `${current.source.owner}/${current.source.repo}`
    : "";
}

// ---- one answer at a time ----

export function scopeProblem(value: unknown): string | undefined {
  if (typeof value === "string" && SCOPE_PATTERN.test(value)) return undefined;
  return `scope: "${String(value)}" must be an npm scope: @ then lowercase letters, digits, - . _ ~ (e.g. @acme)`;
}

export function projectNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "projectName: is required (lowercase kebab-case, e.g. shop)";
  const issue = firstIssue(shape.projectName, value);
  return issue ? `projectName: "${value}" ${issue}` : undefined;
}

export function regionProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "region: is required (e.g. eu-west-1)";
  const issue = firstIssue(shape.region, value);
  return issue ? `region: "${value}" ${issue}` : undefined;
}

export function sourceProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") {
    return "source: is required (a CodeCommit repository name, or a CodeConnections connection ARN)";
  }
  const field = isConnectionArn(value) ? "connectionArn" : "repositoryName";
  const candidate = isConnectionArn(value)
    ? { type: "codeconnections", connectionArn: value, owner: "o", repo: "r" }
    : { type: "codecommit", repositoryName: value };
  const issue = sourceIssues(candidate).find((problem) => problem.field === field);
  if (!issue) return undefined;
  const example = isConnectionArn(value)
    ? " (arn:aws:codeconnections:<region>:<account>:connection/<id>)"
    : "; or give a CodeConnections connection ARN";
  return `source: "${value}" ${issue.message}${example}`;
}

export function repositoryProblem(value: unknown, source: unknown): string | undefined {
  const text = typeof value === "string" ? value.trim() : "";
  if (!isConnectionArn(source)) {
    return text === "" ? undefined : `repository: "${text}" is only used with a CodeConnections ARN as the source`;
  }
  return /^[\w.-]+\/[\w.-]+$/.test(text)
    ? undefined
    : `repository: "${text}" must be owner/repo (the repository the connection reads, e.g. acme/shop)`;
}

/** A yes/no answer: a boolean, or what plop accepts for a confirm prompt on the command line. */
export function parseYesNo(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (["yes", "y", "true"].includes(text)) return true;
  if (["no", "n", "false"].includes(text)) return false;
  return undefined;
}

export function removeMaintainersProblem(value: unknown): string | undefined {
  return parseYesNo(value) === undefined ? `removeMaintainers: "${String(value)}" must be yes or no` : undefined;
}

export function branchProblem(value: unknown): string | undefined {
  const valid =
    typeof value === "string" &&
    /^[\w./-]+$/.test(value) &&
    !/^[-/.]|[/.]$|\.\.|\/\/|\.lock$/.test(value) &&
    sourceIssues({ type: "codecommit", repositoryName: "r", branch: value }).length === 0;
  return valid ? undefined : `branch: "${String(value)}" is not a valid branch name (e.g. main)`;
}

function sourceIssues(candidate: object): { field: string; message: string }[] {
  const result = shape.source.safeParse(candidate);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ field: String(issue.path[0] ?? ""), message: issue.message }));
}

function firstIssue(
  schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  value: unknown,
): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error?.issues[0]?.message;
}

/** Fills in the defaults (the current setup) and checks every answer; throws one error listing every problem. */
export function resolveInitSettings(answers: InitAnswers, current: CurrentSetup): InitSettings {
  const pick = (value: unknown, fallback: unknown) => (given(value) ? value : fallback);
  const scope = pick(answers.scope, current.scope);
  const projectName = pick(answers.projectName, current.projectName);
  const region = pick(answers.region, current.region ?? DEFAULT_REGION);
  const source = pick(answers.source, currentSourceAnswer(current));
  const repository = pick(answers.repository, currentRepositoryAnswer(current, source));
  const branch = pick(answers.branch, current.source.branch);
  // Without an answer nothing is removed: a rerun of init with its defaults changes nothing.
  const removeMaintainers = pick(answers.removeMaintainers, false);

  const problems = [
    scopeProblem(scope),
    projectNameProblem(projectName),
    regionProblem(region),
    sourceProblem(source),
    repositoryProblem(repository, source),
    branchProblem(branch),
    removeMaintainersProblem(removeMaintainers),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new GeneratorError(problemsMessage("cannot initialize the repository", problems));

  const [owner, repo] = String(repository).trim().split("/") as [string, string];
  return {
    scope: scope as string,
    projectName: projectName as string,
    region: region as string,
    removeMaintainers: parseYesNo(removeMaintainers) as boolean,
    source: isConnectionArn(source)
      ? { type: "codeconnections", connectionArn: source as string, owner, repo, branch: branch as string }
      : { type: "codecommit", repositoryName: source as string, branch: branch as string },
  };
}
