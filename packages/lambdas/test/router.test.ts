import { afterEach, describe, expect, it } from "vitest";
import type { RouterConfig } from "../src/index.ts";
import { createRouter, MAX_START_ROUNDS, PipelineStartError } from "../src/push-router/router.ts";
import { executionToken } from "../src/push-router/start-pipelines.ts";
import type { FakeAwsService } from "./support/fake-aws.ts";
import {
  codeCommitClient,
  codePipelineClient,
  type Difference,
  type FakeCodeCommit,
  type FakeCodeCommitOptions,
  startFakeCodeCommit,
  startFakeCodePipeline,
} from "./support/fake-codecommit-codepipeline.ts";

const OLD = "1".repeat(40);
const NEW = "2".repeat(40);
/** A commit pushed after NEW. */
const NEWER = "3".repeat(40);
const EVENT_ID = "01234567-0000-4000-8000-0123456789ab";
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
    id: EVENT_ID,
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

const updated = (detail: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  pushEvent({ event: "referenceUpdated", commitId: NEW, oldCommitId: OLD, ...detail }, overrides);

const servers: FakeAwsService[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Harness {
  route: (event: unknown) => ReturnType<ReturnType<typeof createRouter>>;
  codeCommit: FakeCodeCommit;
  codePipeline: FakeAwsService;
  logs: Record<string, unknown>[];
}

interface HarnessOptions extends Partial<FakeCodeCommitOptions> {
  existingPipelines?: string[];
  /** Runs on every start CodePipeline accepts, before it answers (e.g. a push landing meanwhile). */
  onStart?: (body: Record<string, unknown>, codeCommit: FakeCodeCommit) => void;
}

/** The push OLD..NEW changed `diff`; unless told otherwise, main's head is still NEW. */
async function harness(diff: Difference[], options: HarnessOptions = {}): Promise<Harness> {
  const codeCommit = await startFakeCodeCommit({
    repositoryName: REPOSITORY,
    branches: { main: NEW },
    ...options,
    diffs: { [`${OLD}..${NEW}`]: diff, ...options.diffs },
  });
  const codePipeline = await startFakeCodePipeline(options.existingPipelines ?? Object.keys(config.pipelines), (body) =>
    options.onStart?.(body, codeCommit),
  );
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

/** Every start as "pipeline@commit", in the order CodePipeline received them. */
function starts(codePipeline: FakeAwsService): string[] {
  return codePipeline.requests.map((request) => {
    const [revision] = request.body.sourceRevisions as { revisionValue: string }[];
    return `${String(request.body.name)}@${revision?.revisionValue.slice(0, 1)}`;
  });
}

function differenceRequests(codeCommit: FakeAwsService) {
  return codeCommit.requests.filter((request) => request.target === "CodeCommit_20150413.GetDifferences");
}

const GET_BRANCH = ["CodeCommit_20150413.GetBranch", { repositoryName: REPOSITORY, branchName: "main" }];

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
      startedAt: NEW,
      started: ["orders-pipeline"],
    });
    // The diff, the head before starting (still the pushed commit) and after (unchanged: nothing to redo).
    expect(codeCommit.requests.map((request) => [request.target, request.body])).toEqual([
      [
        "CodeCommit_20150413.GetDifferences",
        { repositoryName: REPOSITORY, beforeCommitSpecifier: OLD, afterCommitSpecifier: NEW },
      ],
      GET_BRANCH,
      GET_BRANCH,
    ]);
    expect(codePipeline.requests.map((request) => [request.target, request.body])).toEqual([
      [
        "CodePipeline_20150709.StartPipelineExecution",
        {
          name: "orders-pipeline",
          clientRequestToken: executionToken("orders-pipeline", EVENT_ID, NEW),
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
    expect(logs[1]).toEqual({
      level: "info",
      action: "started",
      pipeline: "orders-pipeline",
      commitId: NEW,
      executionId: "exec-1",
    });
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

    expect(differenceRequests(codeCommit).map((request) => request.body.NextToken)).toEqual([
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

    expect(differenceRequests(codeCommit)).toHaveLength(2);
    expect(result.started).toEqual(["orders-pipeline"]);
  });

  it("fails the invocation (so it is retried) when GetDifferences keeps failing", async () => {
    const { route, codePipeline } = await harness([], { repositoryName: "another-repository" });

    await expect(route(updated())).rejects.toThrow(/does not exist/);
    expect(codePipeline.requests).toEqual([]);
  });
});

describe("router: a push is never lost, duplicated by a retry or shipped out of order", () => {
  const ORDERS = { before: "apps/orders/src/app.ts", after: "apps/orders/src/app.ts" };
  const SHARED = { after: "packages/shared/index.ts" };

  it("gives a retried event the same tokens, so the retry queues no second execution", async () => {
    const { route, codePipeline } = await harness([SHARED]);

    await route(updated());
    await route(updated());

    const tokens = codePipeline.requests.map((request) => `${request.body.name} ${request.body.clientRequestToken}`);
    expect(tokens).toHaveLength(4);
    expect(new Set(tokens).size).toBe(2);
    for (const request of codePipeline.requests) expect(request.body.clientRequestToken).toMatch(/^[a-f0-9]{64}$/);
  });

  it("starts a deliberate re-push of an earlier commit (a rollback by force-push) as a new execution", async () => {
    // Push 1 (event e-1) moved main OLD -> NEW; then NEWER was pushed; then a force-push (event e-3) put main back
    // on NEW. The rollback must deploy NEW again: the same commit, another push.
    const { route, codePipeline } = await harness([ORDERS], { diffs: { [`${NEWER}..${NEW}`]: [ORDERS] } });

    const first = await route(updated({}, { id: "e-1" }));
    const rollback = await route(updated({ oldCommitId: NEWER }, { id: "e-3" }));

    expect([first.started, rollback.started]).toEqual([["orders-pipeline"], ["orders-pipeline"]]);
    const tokens = codePipeline.requests.map((request) => request.body.clientRequestToken);
    expect(tokens).toEqual([
      executionToken("orders-pipeline", "e-1", NEW),
      executionToken("orders-pipeline", "e-3", NEW),
    ]);
    expect(new Set(tokens).size).toBe(2);
  });

  it("starts a retried push whose commit is no longer the head at the head, never at the older commit", async () => {
    // Push 1 (OLD -> NEW) touched orders; its start failed and is retried after push 2 (NEW -> NEWER) landed,
    // which touched billing only: push 2's router never starts orders, so skipping it would lose push 1's change,
    // and starting it at NEW would queue NEW after NEWER's executions.
    const { route, codePipeline, logs } = await harness([ORDERS], { branches: { main: NEWER } });

    const result = await route(updated());

    expect(result).toMatchObject({ commitId: NEW, startedAt: NEWER, started: ["orders-pipeline"] });
    expect(starts(codePipeline)).toEqual(["orders-pipeline@3"]);
    expect(codePipeline.requests[0]?.body.clientRequestToken).toBe(executionToken("orders-pipeline", EVENT_ID, NEWER));
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        decision: "start at head",
        commitId: NEW,
        headCommitId: NEWER,
        pipelines: ["orders-pipeline"],
      }),
    );
  });

  it("starts at the head that a force-push put in place of the pushed commit", async () => {
    // main was force-pushed to an unrelated commit: that head is what the owner wants built.
    const REPLACEMENT = "9".repeat(40);
    const { route, codePipeline } = await harness([ORDERS], { branches: { main: REPLACEMENT } });

    expect((await route(updated())).startedAt).toBe(REPLACEMENT);
    expect(starts(codePipeline)).toEqual(["orders-pipeline@9"]);
  });

  it("starts nothing when the branch was deleted before the push was routed", async () => {
    const { route, codePipeline, logs } = await harness([ORDERS], { branches: {} });

    const result = await route(updated());

    expect(result).toEqual({
      outcome: "deleted",
      reason: "the branch no longer exists: nothing to build",
      commitId: NEW,
      started: [],
    });
    expect(codePipeline.requests).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ decision: "none", commitId: NEW }));
  });

  it("starts again at the new head what a push landing during the starts touched, and only that", async () => {
    // The push touched packages/shared (orders and stock). While the starts were in flight NEWER landed, touching
    // orders: its router may have started orders before our start arrived, so ours (NEW) could be the last one
    // queued. Stock, which NEWER does not touch, builds the same at either commit.
    const { route, codePipeline, logs } = await harness([SHARED], {
      diffs: { [`${NEW}..${NEWER}`]: [ORDERS] },
      onStart: (_body, codeCommit) => {
        codeCommit.branches.main = NEWER;
      },
    });

    const result = await route(updated());

    expect(starts(codePipeline).sort()).toEqual(["orders-pipeline@2", "orders-pipeline@3", "stock-pipeline@2"]);
    expect(starts(codePipeline).at(-1)).toBe("orders-pipeline@3");
    expect(result).toMatchObject({ startedAt: NEWER, started: ["orders-pipeline", "stock-pipeline"] });
    expect(logs).toContainEqual(
      expect.objectContaining({
        action: "head moved while starting",
        startedAt: NEW,
        headCommitId: NEWER,
        startAgain: ["orders-pipeline"],
      }),
    );
  });

  it(`fails (so Lambda retries from the head of then) when the head moves during ${MAX_START_ROUNDS} rounds`, async () => {
    const commits = Array.from({ length: MAX_START_ROUNDS + 1 }, (_, index) => String(index + 4).repeat(40));
    const chain = [NEW, ...commits];
    const { route, codePipeline } = await harness([ORDERS], {
      diffs: Object.fromEntries(chain.slice(1).map((commit, index) => [`${chain[index]}..${commit}`, [ORDERS]])),
      onStart: (body, codeCommit) => {
        const [revision] = body.sourceRevisions as { revisionValue: string }[];
        codeCommit.branches.main = chain[chain.indexOf(String(revision?.revisionValue)) + 1] ?? NEW;
      },
    });

    await expect(route(updated())).rejects.toThrow(`moved during each of ${MAX_START_ROUNDS} rounds`);
    expect(codePipeline.requests).toHaveLength(MAX_START_ROUNDS);
  });
});

describe("router: other events", () => {
  it("starts every pipeline for a new branch, without diffing (there is no previous commit)", async () => {
    const { route, codeCommit, codePipeline, logs } = await harness([]);

    const result = await route(pushEvent({ event: "referenceCreated", commitId: NEW }));

    expect(result.started).toEqual(["billing-pipeline", "orders-pipeline", "stock-pipeline"]);
    expect(differenceRequests(codeCommit)).toEqual([]);
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
    ["a push without an event id", { ...updated(), id: undefined }, "referenceUpdated without an event id"],
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
