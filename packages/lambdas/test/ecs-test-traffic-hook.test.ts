import { afterEach, describe, expect, it } from "vitest";
import {
  type EcsHookSettings,
  ecsHookEnvironment,
  ecsHookSettingsFromEnvironment,
} from "../src/ecs-test-traffic-hook/config.ts";
import {
  createEcsHandler,
  type EcsHookResponse,
  type EcsLifecycleHookEvent,
  ROUNDS_DONE_KEY,
} from "../src/ecs-test-traffic-hook/handler.ts";
import { closedPort, type GreenService, lambdaContext, smokeSettings, startGreen } from "./support/green-service.ts";

const REVISION = "arn:aws:ecs:eu-west-1:111122223333:service-revision/bluegreen/orders/4019617461093848000";
const INVOCATION_MS = 60_000;

/** A POST_TEST_TRAFFIC_SHIFT invocation as ECS sends it (developer guide, "Lambda hooks for Amazon ECS service deployments"). */
function hookEvent(overrides: Partial<EcsLifecycleHookEvent> = {}): EcsLifecycleHookEvent {
  return {
    executionId: "a1b2c3d4-0000-4000-8000-00000000e001",
    lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
    resourceArn: "arn:aws:ecs:eu-west-1:111122223333:service-deployment/bluegreen/orders/Vx1pm4HJqXW3Bq5Ek9PBo",
    executionDetails: {
      serviceArn: "arn:aws:ecs:eu-west-1:111122223333:service/bluegreen/orders",
      targetServiceRevisionArn: REVISION,
      testTrafficWeights: {},
      productionTrafficWeights: {},
    },
    ...overrides,
  };
}

function settings(baseUrl: string, overrides: Partial<EcsHookSettings> = {}): EcsHookSettings {
  return {
    smokeTest: smokeSettings(baseUrl, { attempts: 2 }),
    rounds: 3,
    callBackDelaySeconds: 20,
    ...overrides,
  };
}

/** Invokes the hook the way ECS does: again after IN_PROGRESS, with the hookDetails it returned. */
async function deploy(hook: ReturnType<typeof createEcsHandler>, first: EcsLifecycleHookEvent) {
  const responses: EcsHookResponse[] = [];
  let event = first;
  for (let invocation = 0; invocation < 10; invocation++) {
    const response = await hook(event, lambdaContext(INVOCATION_MS));
    responses.push(response);
    if (response.hookStatus !== "IN_PROGRESS") return responses;
    event = { ...event, hookDetails: response.hookDetails };
  }
  throw new Error("the hook never finished");
}

describe("the ECS POST_TEST_TRAFFIC_SHIFT hook (real HTTP servers as the test listener)", () => {
  const greens: GreenService[] = [];
  afterEach(async () => {
    await Promise.all(greens.splice(0).map((green) => green.close()));
  });
  async function green(behaviour: Parameters<typeof startGreen>[0], failFirst?: number) {
    const service = await startGreen(behaviour, failFirst);
    greens.push(service);
    return service;
  }

  it("answers SUCCEEDED when the green revision passes the smoke test, logging what it checked", async () => {
    const service = await green("healthy");
    const lines: string[] = [];

    const response = await createEcsHandler(settings(service.url), (line) => lines.push(line))(
      hookEvent(),
      lambdaContext(INVOCATION_MS),
    );

    expect(response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(service.requests).toEqual(["/health", "/"]);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      serviceRevisionArn: REVISION,
      lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
      round: 1,
      hookStatus: "SUCCEEDED",
      checks: [
        { path: "/health", ok: true },
        { path: "/", ok: true },
      ],
    });
  });

  it("answers IN_PROGRESS with the callback delay while checks fail and rounds remain, keeping configured hookDetails", async () => {
    const service = await green("error");

    const response = await createEcsHandler(settings(service.url), () => {})(
      hookEvent({ hookDetails: { team: "orders" } }),
      lambdaContext(INVOCATION_MS),
    );

    expect(response).toEqual({
      hookStatus: "IN_PROGRESS",
      callBackDelay: 20,
      hookDetails: { team: "orders", [ROUNDS_DONE_KEY]: 1 },
    });
  });

  it("answers FAILED (ECS rolls back) once the checks have failed in every round", async () => {
    const service = await green("error");

    const responses = await deploy(
      createEcsHandler(settings(service.url), () => {}),
      hookEvent(),
    );

    expect(responses.map((response) => response.hookStatus)).toEqual(["IN_PROGRESS", "IN_PROGRESS", "FAILED"]);
    expect(responses.at(-1)).toEqual({ hookStatus: "FAILED" });
    // Three rounds, two attempts per check in each.
    expect(service.requests.filter((path) => path === "/health")).toHaveLength(6);
    expect(service.requests.filter((path) => path === "/")).toHaveLength(6);
  });

  it("answers SUCCEEDED in a later round when the green revision recovers", async () => {
    const service = await green("recovers", 3);

    const responses = await deploy(
      createEcsHandler(settings(service.url), () => {}),
      hookEvent(),
    );

    expect(responses.map((response) => response.hookStatus)).toEqual(["IN_PROGRESS", "SUCCEEDED"]);
  });

  it("answers FAILED when the test listener refuses connections in every round", async () => {
    const url = await closedPort();

    const responses = await deploy(
      createEcsHandler(settings(url, { rounds: 2 }), () => {}),
      hookEvent(),
    );

    expect(responses.map((response) => response.hookStatus)).toEqual(["IN_PROGRESS", "FAILED"]);
  });

  it("answers FAILED, probing nothing, when attached to another lifecycle stage", async () => {
    const service = await green("healthy");
    const lines: string[] = [];

    const response = await createEcsHandler(settings(service.url), (line) => lines.push(line))(
      hookEvent({ lifecycleStage: "PRE_SCALE_UP" }),
      lambdaContext(INVOCATION_MS),
    );

    expect(response).toEqual({ hookStatus: "FAILED" });
    expect(service.requests).toEqual([]);
    expect(lines[0]).toContain("this hook answers POST_TEST_TRAFFIC_SHIFT only");
  });

  it("answers FAILED when its settings are broken (no round would fix them)", async () => {
    const response = await createEcsHandler(
      () => ecsHookSettingsFromEnvironment({}),
      () => {},
    )(hookEvent(), lambdaContext(INVOCATION_MS));

    expect(response).toEqual({ hookStatus: "FAILED" });
  });

  it("answers within the invocation's remaining time when the green revision hangs", async () => {
    const service = await green("hang");
    const remainingMs = 1500;
    const started = Date.now();

    const response = await createEcsHandler(
      settings(service.url, {
        smokeTest: { ...settings(service.url).smokeTest, attempts: 4, timeoutMs: 3000 },
      }),
      () => {},
    )(hookEvent(), lambdaContext(remainingMs));

    expect(response.hookStatus).toBe("IN_PROGRESS");
    expect(Date.now() - started).toBeLessThan(remainingMs);
  });
});

describe("ecsHookEnvironment / ecsHookSettingsFromEnvironment", () => {
  it("round-trips with the ECS defaults: fewer attempts per round, rounds and a callback delay", () => {
    const environment = ecsHookEnvironment({ testUrl: "http://alb:9000", healthCheckPath: "/ready" });

    expect(environment).toEqual({
      TEST_URL: "http://alb:9000",
      HEALTH_PATH: "/ready",
      ATTEMPTS: "2",
      REQUEST_TIMEOUT_MS: "3000",
      BACKOFF_MS: "1000",
      SMOKE_TEST_ROUNDS: "4",
      CALLBACK_DELAY_SECONDS: "15",
    });
    expect(ecsHookSettingsFromEnvironment(environment)).toMatchObject({
      rounds: 4,
      callBackDelaySeconds: 15,
      smokeTest: { baseUrl: "http://alb:9000", attempts: 2 },
    });
  });

  it("rejects a value the function would reject, naming the variable", () => {
    expect(() => ecsHookEnvironment({ testUrl: "http://alb:9000", healthCheckPath: "/", rounds: 0 })).toThrow(
      "environment variable SMOKE_TEST_ROUNDS must be a positive integer",
    );
  });
});
