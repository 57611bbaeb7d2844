import { describe, expect, it } from "vitest";
import {
  parseRouterConfig,
  ROUTER_ENV,
  type RouterConfig,
  RouterConfigError,
  routerEnvironment,
} from "../src/index.ts";

const config: RouterConfig = {
  repositoryName: "my-monorepo",
  branch: "main",
  sourceActionName: "Source",
  pipelines: {
    "orders-pipeline": ["apps/orders/", "packages/shared/", "pnpm-lock.yaml", "turbo.json"],
    "billing-pipeline": ["apps/billing/", "pnpm-lock.yaml", "turbo.json"],
  },
};

function validEnvironment(): Record<string, string> {
  return routerEnvironment(config);
}

describe("routerEnvironment / parseRouterConfig", () => {
  it("round-trips, writing the paths every pipeline shares only once", () => {
    const environment = routerEnvironment(config);

    expect(environment).toEqual({
      TRIGGER_REPOSITORY_NAME: "my-monorepo",
      TRIGGER_BRANCH: "main",
      TRIGGER_SOURCE_ACTION_NAME: "Source",
      TRIGGER_COMMON_PATHS: '["pnpm-lock.yaml","turbo.json"]',
      TRIGGER_PIPELINE_PATHS:
        '{"billing-pipeline":["apps/billing/"],"orders-pipeline":["apps/orders/","packages/shared/"]}',
    });
    expect(parseRouterConfig(environment)).toEqual({
      ...config,
      pipelines: {
        "billing-pipeline": ["apps/billing/", "pnpm-lock.yaml", "turbo.json"],
        "orders-pipeline": ["apps/orders/", "packages/shared/", "pnpm-lock.yaml", "turbo.json"],
      },
    });
  });

  it("accepts a hand-written map without TRIGGER_COMMON_PATHS", () => {
    const parsed = parseRouterConfig({
      TRIGGER_REPOSITORY_NAME: "repo",
      TRIGGER_BRANCH: "release/2026",
      TRIGGER_SOURCE_ACTION_NAME: "Source",
      TRIGGER_PIPELINE_PATHS: '{"a": ["apps/a/", "pnpm-lock.yaml"]}',
    });

    expect(parsed.pipelines).toEqual({ a: ["apps/a/", "pnpm-lock.yaml"] });
    expect(parsed.branch).toBe("release/2026");
  });

  it.each([
    [ROUTER_ENV.repositoryName, undefined, "TRIGGER_REPOSITORY_NAME: is not set"],
    [ROUTER_ENV.repositoryName, "my repo", 'TRIGGER_REPOSITORY_NAME: "my repo" is not a CodeCommit repository name'],
    [ROUTER_ENV.branch, "", "TRIGGER_BRANCH: is not set"],
    [
      ROUTER_ENV.branch,
      "refs/heads/main",
      'TRIGGER_BRANCH: "refs/heads/main" must be a branch name such as "main", not a full reference',
    ],
    [ROUTER_ENV.sourceActionName, undefined, "TRIGGER_SOURCE_ACTION_NAME: is not set"],
    [
      ROUTER_ENV.sourceActionName,
      "Source Action",
      'TRIGGER_SOURCE_ACTION_NAME: "Source Action" is not a CodePipeline action name',
    ],
    [ROUTER_ENV.pipelinePaths, undefined, "TRIGGER_PIPELINE_PATHS: is not set"],
    [ROUTER_ENV.pipelinePaths, "{not json", "TRIGGER_PIPELINE_PATHS: is not valid JSON"],
    [
      ROUTER_ENV.pipelinePaths,
      '["apps/a/"]',
      "TRIGGER_PIPELINE_PATHS: must be a JSON object of pipeline name -> list of paths",
    ],
    [ROUTER_ENV.pipelinePaths, "{}", "TRIGGER_PIPELINE_PATHS: names no pipeline"],
    [
      ROUTER_ENV.pipelinePaths,
      '{"bad name": ["apps/a/"]}',
      'TRIGGER_PIPELINE_PATHS: "bad name" is not a CodePipeline pipeline name',
    ],
    [ROUTER_ENV.pipelinePaths, '{"a": "apps/a/"}', 'TRIGGER_PIPELINE_PATHS "a": must be a JSON list of paths'],
    [
      ROUTER_ENV.pipelinePaths,
      '{"a": ["/abs/"]}',
      'TRIGGER_PIPELINE_PATHS "a": "/abs/" must be a repository-relative path with forward slashes',
    ],
    [ROUTER_ENV.pipelinePaths, '{"a": [3]}', 'TRIGGER_PIPELINE_PATHS "a": entry 0 must be a non-empty string'],
    [ROUTER_ENV.commonPaths, "nope", "TRIGGER_COMMON_PATHS: is not valid JSON"],
    [ROUTER_ENV.commonPaths, '{"a": 1}', "TRIGGER_COMMON_PATHS: must be a JSON list of paths"],
  ])("%s=%j fails naming the variable", (name, value, message) => {
    const environment: Record<string, string | undefined> = { ...validEnvironment(), [name]: value };

    expect(() => parseRouterConfig(environment)).toThrow(RouterConfigError);
    expect(() => parseRouterConfig(environment)).toThrow(message);
  });

  it("rejects a pipeline left with no paths at all", () => {
    expect(() =>
      parseRouterConfig({ ...validEnvironment(), TRIGGER_COMMON_PATHS: "[]", TRIGGER_PIPELINE_PATHS: '{"a": []}' }),
    ).toThrow('TRIGGER_PIPELINE_PATHS: "a" has no trigger paths (here or in TRIGGER_COMMON_PATHS)');
  });

  it("refuses pipeline names that are unresolved CDK tokens", () => {
    expect(() => routerEnvironment({ ...config, pipelines: { "${Token[TOKEN.123]}": ["apps/a/"] } })).toThrow(
      /give pipelines explicit names, not CDK tokens/,
    );
  });

  it("refuses a configuration that would not fit Lambda's 4 KB of environment variables", () => {
    const pipelines: Record<string, string[]> = {};
    for (let index = 0; index < 60; index += 1) {
      pipelines[`service-number-${index}-pipeline`] = [`apps/service-number-${index}/`, `packages/lib-${index}/`];
    }

    expect(() => routerEnvironment({ ...config, pipelines })).toThrow(
      /^the router's environment variables take \d+ bytes, over the 4096 bytes left of Lambda's 4096-byte quota/,
    );
    expect(() => routerEnvironment(config, { reservedBytes: 4000 })).toThrow(/over the 96 bytes left/);
  });
});
