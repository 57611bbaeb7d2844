/**
 * The router Lambda's configuration and its environment-variable form. infra builds the variables with
 * routerEnvironment(); the Lambda reads them back with parseRouterConfig(). Kept free of Node-only imports.
 */

export interface RouterConfig {
  /** The CodeCommit repository whose pushes are routed. */
  repositoryName: string;
  /** The branch the pipelines build (a branch name such as "main", not "refs/heads/main"). */
  branch: string;
  /** Name of the Source action in every pipeline, for StartPipelineExecution's sourceRevisions. */
  sourceActionName: string;
  /** Pipeline name -> trigger paths (folders end with "/", files are exact paths). */
  pipelines: Readonly<Record<string, readonly string[]>>;
}

export const ROUTER_ENV = {
  repositoryName: "TRIGGER_REPOSITORY_NAME",
  branch: "TRIGGER_BRANCH",
  sourceActionName: "TRIGGER_SOURCE_ACTION_NAME",
  /** JSON object: pipeline name -> the trigger paths that are not in TRIGGER_COMMON_PATHS. */
  pipelinePaths: "TRIGGER_PIPELINE_PATHS",
  /** JSON array: trigger paths every pipeline has (root files, shared packages); written once to save space. */
  commonPaths: "TRIGGER_COMMON_PATHS",
} as const;

/** Lambda's quota on the total size of a function's environment variables (names and values). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

export class RouterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouterConfigError";
  }
}

const utf8 = new TextEncoder();
const REPOSITORY_NAME = /^[\w.-]{1,100}$/;
const PIPELINE_OR_ACTION_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

/** Reads and validates the configuration; every error names the environment variable (and entry) at fault. */
export function parseRouterConfig(env: Readonly<Record<string, string | undefined>>): RouterConfig {
  const repositoryName = requireVariable(env, ROUTER_ENV.repositoryName);
  if (!REPOSITORY_NAME.test(repositoryName)) {
    fail(ROUTER_ENV.repositoryName, `"${repositoryName}" is not a CodeCommit repository name`);
  }
  const branch = requireVariable(env, ROUTER_ENV.branch);
  checkBranch(branch, ROUTER_ENV.branch);
  const sourceActionName = requireVariable(env, ROUTER_ENV.sourceActionName);
  if (!PIPELINE_OR_ACTION_NAME.test(sourceActionName)) {
    fail(ROUTER_ENV.sourceActionName, `"${sourceActionName}" is not a CodePipeline action name`);
  }

  const commonText = env[ROUTER_ENV.commonPaths];
  const common =
    commonText === undefined || commonText.trim() === ""
      ? []
      : checkPathList(parseJson(commonText, ROUTER_ENV.commonPaths), ROUTER_ENV.commonPaths, true);

  const ownPaths = parseJson(requireVariable(env, ROUTER_ENV.pipelinePaths), ROUTER_ENV.pipelinePaths);
  if (typeof ownPaths !== "object" || ownPaths === null || Array.isArray(ownPaths)) {
    fail(ROUTER_ENV.pipelinePaths, "must be a JSON object of pipeline name -> list of paths");
  }
  const names = Object.keys(ownPaths);
  if (names.length === 0) fail(ROUTER_ENV.pipelinePaths, "names no pipeline");
  const pipelines: Record<string, string[]> = {};
  for (const name of names) {
    if (!PIPELINE_OR_ACTION_NAME.test(name)) {
      fail(ROUTER_ENV.pipelinePaths, `"${name}" is not a CodePipeline pipeline name`);
    }
    const own = checkPathList(
      (ownPaths as Record<string, unknown>)[name],
      `${ROUTER_ENV.pipelinePaths} "${name}"`,
      true,
    );
    const all = [...new Set([...common, ...own])].sort();
    if (all.length === 0) {
      fail(ROUTER_ENV.pipelinePaths, `"${name}" has no trigger paths (here or in ${ROUTER_ENV.commonPaths})`);
    }
    pipelines[name] = all;
  }
  return { repositoryName, branch, sourceActionName, pipelines };
}

/**
 * The environment variables that configure the router for infra to set on the function. Paths every pipeline
 * shares go once into TRIGGER_COMMON_PATHS. Throws when the variables would not fit Lambda's 4 KB quota
 * (minus `reservedBytes` for the function's other variables).
 */
export function routerEnvironment(
  config: RouterConfig,
  options: { reservedBytes?: number } = {},
): Record<string, string> {
  const names = Object.keys(config.pipelines).sort();
  if (names.length === 0) throw new RouterConfigError("pipelines: names no pipeline");
  const lists = names.map((name) => {
    if (!PIPELINE_OR_ACTION_NAME.test(name)) {
      throw new RouterConfigError(
        `pipelines: "${name}" is not a CodePipeline pipeline name (give pipelines explicit names, not CDK tokens)`,
      );
    }
    return checkPathList(config.pipelines[name], `pipelines "${name}"`, false);
  });
  const common = (lists[0] ?? []).filter((entry) => lists.every((list) => list.includes(entry))).sort();
  const own: Record<string, string[]> = {};
  names.forEach((name, index) => {
    own[name] = (lists[index] ?? []).filter((entry) => !common.includes(entry)).sort();
  });
  const environment: Record<string, string> = {
    [ROUTER_ENV.repositoryName]: config.repositoryName,
    [ROUTER_ENV.branch]: config.branch,
    [ROUTER_ENV.sourceActionName]: config.sourceActionName,
    [ROUTER_ENV.commonPaths]: JSON.stringify(common),
    [ROUTER_ENV.pipelinePaths]: JSON.stringify(own),
  };
  // Round trip: what infra writes is exactly what the Lambda will accept.
  parseRouterConfig(environment);
  const size = Object.entries(environment).reduce(
    (total, [key, value]) => total + utf8.encode(key).length + utf8.encode(value).length,
    0,
  );
  const budget = LAMBDA_ENVIRONMENT_LIMIT_BYTES - (options.reservedBytes ?? 0);
  if (size > budget) {
    throw new RouterConfigError(
      `the router's environment variables take ${size} bytes, over the ${budget} bytes left of Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte quota; ` +
        "shorten pipeline names or move the pipeline map to a file bundled with the function",
    );
  }
  return environment;
}

function checkBranch(branch: string, where: string): void {
  if (branch.startsWith("refs/")) fail(where, `"${branch}" must be a branch name such as "main", not a full reference`);
  if (/\s/.test(branch)) fail(where, `"${branch}" is not a branch name`);
}

function checkPathList(value: unknown, where: string, allowEmpty: boolean): string[] {
  if (!Array.isArray(value)) fail(where, "must be a JSON list of paths");
  if (!allowEmpty && value.length === 0) fail(where, "must list at least one path");
  return value.map((entry, index) => {
    if (typeof entry !== "string" || entry === "") fail(where, `entry ${index} must be a non-empty string`);
    if (entry.startsWith("/") || entry.split("/").includes("..") || entry.includes("\\")) {
      fail(where, `"${entry}" must be a repository-relative path with forward slashes`);
    }
    return entry;
  });
}

function requireVariable(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") fail(name, "is not set");
  return value.trim();
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(name, `is not valid JSON (${(error as Error).message})`);
  }
}

function fail(where: string, problem: string): never {
  throw new RouterConfigError(`${where}: ${problem}`);
}
