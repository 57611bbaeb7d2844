import type { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { smokeTestSettingsFromEnvironment } from "../src/smoke-test/environment.ts";
import type { SmokeTestSettings } from "../src/smoke-test/smoke-test.ts";
import {
  createHandler,
  type LifecycleHookEvent,
  REPORT_CLIENT,
  REPORT_RESERVE_MS,
  reportingClient,
} from "../src/test-traffic-hook/handler.ts";
import { awsError, type FakeAwsService, type JsonReply, startFakeAwsService } from "./support/fake-aws.ts";
import { DUMMY_CREDENTIALS, REGION } from "./support/fake-codecommit-codepipeline.ts";
import { closedPort, type GreenService, lambdaContext, smokeSettings, startGreen } from "./support/green-service.ts";

const EVENT: LifecycleHookEvent = { DeploymentId: "d-ABCDEF123", LifecycleEventHookExecutionId: "hook-exec-42" };
/** Ample time: the function's 60 s timeout. */
const FULL_INVOCATION_MS = 60_000;

/** How CodeDeploy answers each PutLifecycleEventHookExecutionStatus, in turn (then "ok"). */
type Answer = "ok" | "stall" | "throttle" | "already-completed";

/** CodeDeploy's PutLifecycleEventHookExecutionStatus over JSON 1.1, answering as `next()` says. */
function startFakeCodeDeploy(next: () => Answer | undefined): Promise<FakeAwsService> {
  return startFakeAwsService("CodeDeploy_20141006", {
    PutLifecycleEventHookExecutionStatus: (body): JsonReply | Promise<JsonReply> => {
      switch (next() ?? "ok") {
        case "stall":
          return new Promise<never>(() => {});
        case "throttle":
          return awsError("ThrottlingException", "Rate exceeded");
        case "already-completed":
          return awsError("LifecycleEventAlreadyCompletedException", "The lifecycle event is already completed");
        default:
          return { body: { lifecycleEventHookExecutionId: body.lifecycleEventHookExecutionId } };
      }
    },
  });
}

describe("the AfterAllowTestTraffic hook (real CodeDeploy client against a local endpoint)", () => {
  let codeDeploy: FakeAwsService;
  let client: CodeDeployClient;
  let answers: Answer[] = [];
  const greens: GreenService[] = [];

  beforeAll(async () => {
    codeDeploy = await startFakeCodeDeploy(() => answers.shift());
    // The client the function reports with: its timeouts and attempts, only the endpoint is local.
    client = reportingClient({ endpoint: codeDeploy.url, region: REGION, credentials: DUMMY_CREDENTIALS });
  });
  afterEach(async () => {
    codeDeploy.requests.length = 0;
    answers = [];
    await Promise.all(greens.splice(0).map((g) => g.close()));
  });
  afterAll(async () => {
    client.destroy();
    await codeDeploy.close();
  });

  async function green(behaviour: Parameters<typeof startGreen>[0]) {
    const service = await startGreen(behaviour);
    greens.push(service);
    return service;
  }

  async function run(baseUrl: string, remainingMs = FULL_INVOCATION_MS) {
    const lines: string[] = [];
    const outcome = await createHandler(client, smokeSettings(baseUrl), (line) => lines.push(line))(
      EVENT,
      lambdaContext(remainingMs),
    );
    const [call] = codeDeploy.requests;
    expect(call?.target).toBe("CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus");
    return { outcome, sent: call?.body ?? {}, lines };
  }

  it("reports Succeeded when the green task set answers /health and /", async () => {
    const service = await green("healthy");
    const { outcome, sent } = await run(service.url);
    expect(sent).toEqual({
      deploymentId: "d-ABCDEF123",
      lifecycleEventHookExecutionId: "hook-exec-42",
      status: "Succeeded",
    });
    expect(codeDeploy.requests).toHaveLength(1);
    expect(outcome.status).toBe("Succeeded");
    expect(service.requests).toEqual(["/health", "/"]);
  });

  it("retries with back-off and still succeeds when the service recovers", async () => {
    const service = await green("recovers");
    const { sent } = await run(service.url);
    expect(sent.status).toBe("Succeeded");
    expect(service.requests).toEqual(["/health", "/health", "/health", "/"]);
  });

  it("reports Failed after all retries when the service answers 500", async () => {
    const service = await green("error");
    const { sent, outcome, lines } = await run(service.url);
    expect(sent.status).toBe("Failed");
    expect(service.requests.filter((p) => p === "/health")).toHaveLength(3);
    expect(outcome.smokeTest.results[0]).toMatchObject({ ok: false, attempts: 3, outcome: "HTTP 500" });
    expect(lines.join("\n")).toContain('"status":"Failed"');
  });

  it("reports Failed when requests time out", async () => {
    const service = await green("hang");
    const { sent, outcome } = await run(service.url);
    expect(sent.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toBe("timed out after 300 ms");
  });

  it("reports Failed when the connection is refused", async () => {
    const { sent, outcome } = await run(await closedPort());
    expect(sent.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toBe("ECONNREFUSED");
  });

  it("rejects an event that is not a CodeDeploy hook event, without calling CodeDeploy", async () => {
    await expect(
      createHandler(client, smokeSettings("http://127.0.0.1:1"))(
        {} as LifecycleHookEvent,
        lambdaContext(FULL_INVOCATION_MS),
      ),
    ).rejects.toThrow(/DeploymentId/);
    expect(codeDeploy.requests).toHaveLength(0);
  });

  it("reports Failed when its settings are broken, so the deployment does not wait for the hook's timeout", async () => {
    const outcome = await createHandler(
      client,
      () => smokeTestSettingsFromEnvironment({}),
      () => {},
    )(EVENT, lambdaContext(FULL_INVOCATION_MS));
    expect(outcome.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toContain("TEST_URL is required");
    expect(codeDeploy.requests[0]?.body.status).toBe("Failed");
  });
});

// Concurrent: most of each test is a real timeout of the reporting client, and each test has its own CodeDeploy.
describe.concurrent("the hook's time budget: it reports in time, or fails loudly before Lambda's timeout", () => {
  let service: GreenService;

  beforeAll(async () => {
    service = await startGreen("healthy");
  });
  afterAll(() => service.close());

  /** A CodeDeploy answering `answers` in turn (then "ok"), its reporting client, and the hook reporting to it. */
  async function codeDeployAnswering(answers: Answer[], onTestFinished: (cleanup: () => Promise<void>) => void) {
    const codeDeploy = await startFakeCodeDeploy(() => answers.shift());
    const client = reportingClient({ endpoint: codeDeploy.url, region: REGION, credentials: DUMMY_CREDENTIALS });
    onTestFinished(async () => {
      client.destroy();
      await codeDeploy.close();
    });
    const hook = (smokeTest: SmokeTestSettings = smokeSettings(service.url)) =>
      createHandler(client, smokeTest, () => {});
    return { requests: codeDeploy.requests, hook };
  }

  it("keeps the reserve: the smoke test ends in time to report within the invocation's remaining time", () => {
    expect(REPORT_RESERVE_MS).toBeGreaterThan(REPORT_CLIENT.maxAttempts * REPORT_CLIENT.requestTimeoutMs);
    expect(REPORT_RESERVE_MS).toBeLessThan(FULL_INVOCATION_MS / 2);
  });

  it("still reports when CodeDeploy's first answer stalls: the request times out and the retry lands", async ({
    expect,
    onTestFinished,
  }) => {
    const { requests, hook } = await codeDeployAnswering(["stall"], onTestFinished);
    const started = Date.now();

    const outcome = await hook()(EVENT, lambdaContext(FULL_INVOCATION_MS));

    const elapsed = Date.now() - started;
    expect(outcome.status).toBe("Succeeded");
    expect(requests.map((request) => request.body.status)).toEqual(["Succeeded", "Succeeded"]);
    expect(elapsed).toBeGreaterThanOrEqual(REPORT_CLIENT.requestTimeoutMs);
    expect(elapsed).toBeLessThan(REPORT_CLIENT.requestTimeoutMs + 2000);
  });

  it("counts a stalled attempt that CodeDeploy recorded as reported (LifecycleEventAlreadyCompleted on the retry)", async ({
    expect,
    onTestFinished,
  }) => {
    const { requests, hook } = await codeDeployAnswering(["stall", "already-completed"], onTestFinished);

    await expect(hook()(EVENT, lambdaContext(FULL_INVOCATION_MS))).resolves.toMatchObject({ status: "Succeeded" });
    expect(requests).toHaveLength(2);
  });

  it("retries a throttled report", async ({ expect, onTestFinished }) => {
    const { requests, hook } = await codeDeployAnswering(["throttle"], onTestFinished);

    await expect(hook()(EVENT, lambdaContext(FULL_INVOCATION_MS))).resolves.toMatchObject({ status: "Succeeded" });
    expect(requests).toHaveLength(2);
  });

  it("fails fast and loudly, before its timeout, when CodeDeploy never answers", async ({ expect, onTestFinished }) => {
    const { requests, hook } = await codeDeployAnswering(["stall", "stall", "stall"], onTestFinished);
    const remainingMs = 4000;
    const started = Date.now();

    await expect(hook()(EVENT, lambdaContext(remainingMs))).rejects.toThrow(
      /^could not report Failed for deployment d-ABCDEF123 \(hook execution hook-exec-42\) to CodeDeploy: Error: no answer within the \d+ ms left of the invocation$/,
    );
    expect(Date.now() - started).toBeLessThan(remainingMs);
    // So little time that the smoke test got none: Failed, not a guess.
    expect(requests.map((request) => request.body.status)).toEqual(["Failed", "Failed"]);
  });

  it("cuts a hanging smoke test short so that Failed is reported within the invocation", async ({
    expect,
    onTestFinished,
  }) => {
    const { requests, hook } = await codeDeployAnswering([], onTestFinished);
    const hanging = await startGreen("hang");
    onTestFinished(() => hanging.close());
    // Unbudgeted, 2 checks × 4 attempts × 3 s would run for 24 s; 2 s are left after the reserve.
    const remainingMs = REPORT_RESERVE_MS + 2500;
    const started = Date.now();

    const outcome = await hook(smokeSettings(hanging.url, { attempts: 4, timeoutMs: 3000, backoffMs: 100 }))(
      EVENT,
      lambdaContext(remainingMs),
    );

    expect(outcome.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toMatch(/the invocation's time budget ran out/);
    expect(requests.map((request) => request.body.status)).toEqual(["Failed"]);
    expect(Date.now() - started).toBeLessThan(remainingMs - REPORT_RESERVE_MS + 1000);
  });
});
