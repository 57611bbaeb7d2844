import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routerEnvironment } from "../src/index.ts";
import type { FakeAwsService } from "./support/fake-aws.ts";
import {
  DUMMY_CREDENTIALS,
  REGION,
  startFakeCodeCommit,
  startFakeCodePipeline,
} from "./support/fake-codecommit-codepipeline.ts";

const OLD = "a".repeat(40);
const NEW = "b".repeat(40);

const servers: FakeAwsService[] = [];
const savedEnvironment = { ...process.env };

beforeEach(() => {
  vi.resetModules();
});

afterEach(async () => {
  process.env = { ...savedEnvironment };
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The Lambda module as deployed: configuration and endpoints from the environment only. */
async function loadHandler() {
  const module = await import("../src/push-router/index.ts");
  return module.handler;
}

describe("push-router/index.ts (the Lambda entry point)", () => {
  it("reads its configuration and the SDK endpoints from the environment", async () => {
    const codeCommit = await startFakeCodeCommit({
      repositoryName: "repo",
      branches: { main: NEW },
      diffs: { [`${OLD}..${NEW}`]: [{ before: "apps/web/index.html", after: "apps/web/index.html" }] },
    });
    const codePipeline = await startFakeCodePipeline(["web-pipeline", "api-pipeline"]);
    servers.push(codeCommit, codePipeline);
    Object.assign(process.env, {
      ...routerEnvironment({
        repositoryName: "repo",
        branch: "main",
        sourceActionName: "Checkout",
        pipelines: { "web-pipeline": ["apps/web/", "pnpm-lock.yaml"], "api-pipeline": ["apps/api/", "pnpm-lock.yaml"] },
      }),
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_CODECOMMIT: codeCommit.url,
      AWS_ENDPOINT_URL_CODEPIPELINE: codePipeline.url,
    });
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);

    const handler = await loadHandler();
    const result = await handler({
      id: "5c8d8c1e-0000-4000-8000-000000000001",
      source: "aws.codecommit",
      "detail-type": "CodeCommit Repository State Change",
      detail: {
        event: "referenceUpdated",
        repositoryName: "repo",
        referenceType: "branch",
        referenceName: "main",
        commitId: NEW,
        oldCommitId: OLD,
      },
    });

    expect(result.started).toEqual(["web-pipeline"]);
    expect(codePipeline.requests.map((request) => request.body.sourceRevisions)).toEqual([
      [{ actionName: "Checkout", revisionType: "COMMIT_ID", revisionValue: NEW }],
    ]);
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(lines[0]).toMatchObject({ decision: "some", pipelines: { "web-pipeline": { start: true } } });
  });

  it("fails each invocation with the name of a missing variable", async () => {
    delete process.env.TRIGGER_PIPELINE_PATHS;
    Object.assign(process.env, {
      TRIGGER_REPOSITORY_NAME: "repo",
      TRIGGER_BRANCH: "main",
      TRIGGER_SOURCE_ACTION_NAME: "Source",
    });

    const handler = await loadHandler();

    await expect(handler({})).rejects.toThrow("TRIGGER_PIPELINE_PATHS: is not set");
    await expect(handler({})).rejects.toThrow("TRIGGER_PIPELINE_PATHS: is not set");
  });
});
