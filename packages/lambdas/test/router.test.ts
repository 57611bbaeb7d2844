import { afterEach, describe, expect, it } from "vitest";
import type { RouterConfig } from "../src/index.ts";
import { createRouter, PipelineStartError } from "../src/router/router.ts";
import { executionToken } from "../src/router/start-pipelines.ts";
import type { FakeAwsService } from "./support/fake-aws.ts";
import {
  codeCommitClient,
  codePipelineClient,
  type Difference,
  type FakeCodeCommitOptions,
  startFakeCodeCommit,
  startFakeCodePipeline,
} from "./support/fake-codecommit-codepipeline.ts";

const OLD = "1".repeat(40);
const NEW = "2".repeat(40);
const REPOSITORY = "shop-monorepo";

const config: RouterConfig = {
  repositoryName: REPOSITORY,
  branch: "main",
  sourceActionName: "Source",
  pipelines: {
    "billing-pipeline": ["apps/billing/", "pnpm-lock.yaml", "turbo.json"],
    "orders-pipeline": ["apps/orders/", "packages/shared/", "pnpm-lock.yaml", "turbo.json"],
    "stock-pipeline": ["apps/stock/", "packages/shared/", "pnpm-lock.yaml", "turbo.json"],
  },
};

function pushEvent(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    version: "0",
    id: "01234567-0000-4000-8000-0123456789ab",
    "detail-type": "CodeCommit Repository State Change",
    source: "aws.codecommit",
    account: "111122223333",
    time: "2026-11-26T10:23:43Z",
    region: "eu-west-1",
    resources: [`arn:aws:codecommit:eu-west-1:111122223333:${REPOSITORY}`],
    detail: {
      repositoryName: REPOSITORY,
      repositoryId: "12345678-1234-5678-abcd-12345678abcd",
      referenceType: "branch",
      referenceName: "main",
      referenceFullName: "refs/heads/main",
      ...detail,
    },
    ...overrides,
  };
}

const updated = (detail: Record<string, unknown> = {}) =>
  pushEvent({ event: "referenceUpdated", commitId: NEW, oldCommitId: OLD, ...detail });

const servers: FakeAwsService[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Harness {
  route: (event: unknown) => ReturnType<ReturnType<typeof createRouter>>;
  codeCommit: FakeAwsService;
  codePipeline: FakeAwsService;
  logs: Record<string, unknown>[];
}

async function harness(
  diff: Difference[],
  options: Partial<FakeCodeCommitOptions> & { existingPipelines?: string[] } = {},
): Promise<Harness> {
  const codeCommit = await startFakeCodeCommit({
    repositoryName: REPOSITORY,
    diffs: { [`${OLD}..${NEW}`]: diff },
    ...options,
  });
  const codePipeline = await startFakeCodePipeline(options.existingPipelines ?? Object.keys(config.pipelines));
  servers.push(codeCommit, codePipeline);
  const logs: Record<string, unknown>[] = [];
  const route = createRouter({
    config,
    codeCommit: codeCommitClient(codeCommit.url),
    codePipeline: codePipelineClient(codePipeline.url),
    log: (line) => logs.push(line),
  });
  return { route, codeCommit, codePipeline, logs };
}

function startedNames(codePipeline: FakeAwsService): string[] {
  return codePipeline.requests.map((request) => String(request.body.name)).sort();
}

describe("router: referenceUpdated", () => {
  it("starts only the pipeline of the one service a push touches, at the pushed commit", async () => {
    const { route, codeCommit, codePipeline, logs } = await harness([
      { before: "apps/orders/src/app.ts", after: "apps/orders/src/app.ts" },
      { after: "apps/orders/test/new.test.ts" },
    ]);

    const result = await route(updated());

    expect(result).toEqual({
      outcome: "routed",
      reason: "2 changed path(s) affect 1 of 3 pipeline(s)",
      commitId: NEW,
      started: ["orders-pipeline"],
    });
    expect(codeCommit.requests.map((request) => [request.target, request.body])).toEqual([
      [
        "CodeCommit_20150413.GetDifferences",
        { repositoryName: REPOSITORY, beforeCommitSpecifier: OLD, afterCommitSpecifier: NEW },
      ],
    ]);
    expect(codePipeline.requests.map((request) => [request.target, request.body])).toEqual([
      [
        "CodePipeline_20150709.StartPipelineExecution",
        {
          name: "orders-pipeline",
          clientRequestToken: executionToken("orders-pipeline", NEW),
          sourceRevisions: [{ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: NEW }],
        },
      ],
    ]);
    expect(logs[0]).toMatchObject({
      decision: "some",
      commitId: NEW,
      oldCommitId: OLD,
      changedPathCount: 2,
      pipelines: {
        "orders-pipeline": {
          start: true,
          matchedPathCount: 2,
          matchedPaths: ["apps/orders/src/app.ts", "apps/orders/test/new.test.ts"],
        },
        "billing-pipeline": { start: false, matchedPathCount: 0, matchedPaths: [] },
      },
    });
    expect(logs[1]).toEqual({ level: "info", action: "started", pipeline: "orders-pipeline", executionId: "exec-1" });
  });

  it("derives one idempotency token per pipeline and commit, the same on a retried event", async () => {
    const { route, codePipeline } = await harness([{ after: "packages/shared/index.ts" }]);

    await route(updated());
    await route(updated());

    const tokens = codePipeline.requests.map((request) => `${request.body.name} ${request.body.clientRequestToken}`);
    expect(new Set(tokens).size).toBe(2);
    expect(tokens).toHaveLength(4);
    for (const request of codePipeline.requests) expect(request.body.clientRequestToken).toMatch(/^[a-f0-9]{64}$/);
    expect(executionToken("orders-pipeline", NEW)).not.toBe(executionToken("orders-pipeline", OLD));
  });

  it("starts every pipeline when the lockfile changes", async () => {
    const { route, codePipeline } = await harness([{ before: "pnpm-lock.yaml", after: "pnpm-lock.yaml" }]);

    const result = await route(updated());

    expect(result.started).toEqual(["billing-pipeline", "orders-pipeline", "stock-pipeline"]);
    expect(startedNames(codePipeline)).toEqual(["billing-pipeline", "orders-pipeline", "stock-pipeline"]);
  });

  it("starts nothing when only documentation changes", async () => {
    const { route, codePipeline, logs } = await harness([
      { before: "README.md", after: "README.md" },
      { after: "docs/architecture/triggers.md" },
      { before: "apps/README.md" },
    ]);

    const result = await route(updated());

    expect(result).toMatchObject({
      outcome: "routed",
      started: [],
      reason: "none of the 3 changed path(s) affects a pipeline",
    });
    expect(codePipeline.requests).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ decision: "none", changedPathCount: 3 });
  });

  it("reads every page of a large diff, finding a file that only the last page names", async () => {
    const noise = Array.from({ length: 250 }, (_, index) => ({ after: `docs/generated/page-${index}.md` }));
    const { route, codeCommit, codePipeline } = await harness([...noise, { after: "apps/stock/src/reorder.ts" }], {
      pageSize: 100,
    });

    const result = await route(updated());

    expect(codeCommit.requests.map((request) => request.body.NextToken)).toEqual([
      undefined,
      "page-at-100",
      "page-at-200",
    ]);
    expect(result.started).toEqual(["stock-pipeline"]);
    expect(startedNames(codePipeline)).toEqual(["stock-pipeline"]);
  });

  it("counts the folder a file was moved out of", async () => {
    const { route, codePipeline } = await harness([{ before: "apps/billing/src/legacy.ts", after: "attic/legacy.ts" }]);

    const result = await route(updated());

    expect(result.started).toEqual(["billing-pipeline"]);
    expect(startedNames(codePipeline)).toEqual(["billing-pipeline"]);
  });

  it("counts deleted files", async () => {
    const { route } = await harness([{ before: "packages/shared/old.ts" }]);

    expect((await route(updated())).started).toEqual(["orders-pipeline", "stock-pipeline"]);
  });

  it("still starts the other pipelines when one start fails, then rejects naming the failed one", async () => {
    const { route, codePipeline, logs } = await harness([{ after: "turbo.json" }], {
      existingPipelines: ["billing-pipeline", "stock-pipeline"],
    });

    const failure = await route(updated()).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PipelineStartError);
    expect((failure as Error).message).toMatch(
      /^could not start 1 pipeline\(s\): orders-pipeline \(PipelineNotFoundException: The account with id '111122223333' does not include a pipeline with the name 'orders-pipeline'\); started: billing-pipeline, stock-pipeline$/,
    );
    expect(startedNames(codePipeline)).toEqual(["billing-pipeline", "orders-pipeline", "stock-pipeline"]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "error", action: "start failed", pipeline: "orders-pipeline" }),
    );
  });

  it("lets the SDK retry a throttled GetDifferences", async () => {
    const { route, codeCommit } = await harness([{ after: "apps/orders/src/app.ts" }], { throttleFirst: 1 });

    const result = await route(updated());

    expect(codeCommit.requests).toHaveLength(2);
    expect(result.started).toEqual(["orders-pipeline"]);
  });

  it("fails the invocation (so it is retried) when GetDifferences keeps failing", async () => {
    const { route, codePipeline } = await harness([], { repositoryName: "another-repository" });

    await expect(route(updated())).rejects.toThrow(/does not exist/);
    expect(codePipeline.requests).toEqual([]);
  });
});

describe("router: other events", () => {
  it("starts every pipeline for a new branch, without diffing (there is no previous commit)", async () => {
    const { route, codeCommit, codePipeline, logs } = await harness([]);

    const result = await route(pushEvent({ event: "referenceCreated", commitId: NEW }));

    expect(result.started).toEqual(["billing-pipeline", "orders-pipeline", "stock-pipeline"]);
    expect(codeCommit.requests).toEqual([]);
    expect(codePipeline.requests.map((request) => request.body.sourceRevisions)).toEqual(
      Array(3).fill([{ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: NEW }]),
    );
    expect(logs[0]).toMatchObject({ decision: "all", commitId: NEW });
  });

  it("starts nothing for a deleted branch, and logs it", async () => {
    const { route, codeCommit, codePipeline, logs } = await harness([]);

    const result = await route(pushEvent({ event: "referenceDeleted", oldCommitId: OLD }));

    expect(result).toEqual({ outcome: "deleted", reason: "branch deleted: nothing to build", started: [] });
    expect([...codeCommit.requests, ...codePipeline.requests]).toEqual([]);
    expect(logs).toEqual([
      {
        level: "info",
        decision: "none",
        reason: "branch deleted: nothing to build",
        repository: REPOSITORY,
        branch: "main",
        oldCommitId: OLD,
      },
    ]);
  });

  it.each([
    [
      "another branch",
      updated({ referenceName: "feature/x", referenceFullName: "refs/heads/feature/x" }),
      "branch feature/x is not main",
    ],
    ["another repository", updated({ repositoryName: "other-repo" }), "repository other-repo is not shop-monorepo"],
    [
      "a tag",
      updated({ referenceType: "tag", referenceFullName: "refs/tags/main" }),
      "reference type tag is not a branch (tags do not start pipelines)",
    ],
    [
      "a pull request event",
      pushEvent({ event: "pullRequestCreated" }),
      "event pullRequestCreated is not a branch push",
    ],
    [
      "another event source",
      pushEvent({ event: "referenceUpdated" }, { source: "aws.s3" }),
      "not a CodeCommit Repository State Change event (source aws.s3, detail-type CodeCommit Repository State Change)",
    ],
    ["an event without detail", pushEvent({}, { detail: "nope" }), "the event has no detail object"],
    ["a malformed commit id", updated({ commitId: "not-a-sha" }), "referenceUpdated without a valid commitId"],
    ["a push without oldCommitId", updated({ oldCommitId: undefined }), "referenceUpdated without a valid oldCommitId"],
    ["no JSON object", "hello", "the event is not a JSON object"],
  ])("ignores %s, starting nothing and logging why", async (_name, event, reason) => {
    const { route, codeCommit, codePipeline, logs } = await harness([{ after: "pnpm-lock.yaml" }]);

    const result = await route(event);

    expect(result).toEqual({ outcome: "ignored", reason, started: [] });
    expect([...codeCommit.requests, ...codePipeline.requests]).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: "info", decision: "ignored", reason });
  });
});
