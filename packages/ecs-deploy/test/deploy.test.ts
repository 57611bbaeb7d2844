import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AwsError,
  DeploymentFailedError,
  DeploymentTimeoutError,
  deploy,
  MAX_FAILED_POLLS,
  ValidationError,
} from "../src/index.ts";
import { CLUSTER, type FakeEcs, type FakeEcsSetup, SERVICE, startFakeEcs, throttled } from "./support/fake-ecs.ts";
import {
  ALARM,
  CONTAINER,
  DIGEST,
  deployOptions,
  ENDLESS_BAKE,
  HOOK_FAILS,
  IMAGE_URI,
  localClient,
  makeTempDir,
  NEVER_HEALTHY,
  OTHER_IMAGE_URI,
  REPOSITORY,
  ROLLBACK_ON_ALARM,
  removeDir,
  SDK_ATTEMPTS,
  SUCCESS,
  writeBuildArtifacts,
} from "./support/fixtures.ts";

let ecs: FakeEcs | undefined;
let artifacts: string;
let lines: string[];

beforeEach(async () => {
  artifacts = await makeTempDir();
  await writeBuildArtifacts(artifacts);
  lines = [];
});
afterEach(async () => {
  await ecs?.close();
  ecs = undefined;
  await removeDir(artifacts);
});

/** Time moves only when the step sleeps (no real waiting). */
const virtualClock = () => {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
};

async function run(setup: FakeEcsSetup, overrides: Parameters<typeof deployOptions>[1] = {}, attempts?: number) {
  ecs = await startFakeEcs(setup);
  return deploy(deployOptions(artifacts, overrides), {
    ecsClient: localClient(ecs.url, attempts),
    log: (line) => lines.push(line),
  });
}

/** The error a run ends with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: Error) => error,
  );
}

const operations = () => ecs?.requests.map((request) => request.operation) ?? [];
const stages = () => lines.map((line) => /stage (\w+)/.exec(line)?.[1]).filter((stage) => stage !== undefined);

describe("a deployment that succeeds", () => {
  it("registers the image into the named container only, updates the service, and follows every stage to SUCCESSFUL", async () => {
    const result = await run({ steps: SUCCESS });

    expect(result).toMatchObject({ outcome: "deployed", imageUri: IMAGE_URI });
    const [registered] = ecs?.bodies("RegisterTaskDefinition") ?? [];
    const taskdef = JSON.parse(await readFile(join(artifacts, "taskdef.json"), "utf8"));
    expect(taskdef.containerDefinitions[0].image).toBe("<IMAGE1_NAME>");
    expect(registered).toEqual({
      ...taskdef,
      containerDefinitions: [{ ...taskdef.containerDefinitions[0], image: `${REPOSITORY}@${DIGEST}` }],
    });
    expect(ecs?.bodies("UpdateService")).toEqual([
      { cluster: CLUSTER, service: SERVICE, taskDefinition: result.taskDefinitionArn },
    ]);
    expect(result.taskDefinitionArn).toMatch(/:task-definition\/sample-service:8$/);
    expect(stages()).toEqual([
      "PRE_SCALE_UP",
      "SCALE_UP",
      "SCALE_UP",
      "TEST_TRAFFIC_SHIFT",
      "POST_TEST_TRAFFIC_SHIFT",
      "POST_TEST_TRAFFIC_SHIFT",
      "PRODUCTION_TRAFFIC_SHIFT",
      "BAKE_TIME",
      "CLEAN_UP",
      "CLEAN_UP",
    ]);
    expect(lines.at(-1)).toMatch(/^SUCCESSFUL, stage CLEAN_UP/);
    expect(lines).toContainEqual(expect.stringContaining("new revision 1/2 tasks running (1 pending)"));
    expect(lines).toContainEqual(expect.stringMatching(/hook arn:aws:lambda:.*smoke-test SUCCEEDED/));
    expect(operations().filter((operation) => operation === "StopServiceDeployment")).toEqual([]);
  });

  it("reads the service again when UpdateService's answer does not name the deployment yet", async () => {
    const result = await run({ steps: SUCCESS, updateOmitsDeployment: true });
    expect(result.outcome).toBe("deployed");
    const afterUpdate = operations().slice(operations().indexOf("UpdateService") + 1);
    expect(afterUpdate.slice(0, 3)).toEqual([
      "DescribeServices",
      "DescribeServiceDeployments",
      "DescribeServiceRevisions",
    ]);
  });
});

describe("a deployment ECS rolls back", () => {
  it("on an alarm: fails with the alarm's name and the revision production is back on", async () => {
    const error = await failure(run({ steps: ROLLBACK_ON_ALARM }));
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(error.message).toMatch(/ended ROLLBACK_SUCCESSFUL at stage BAKE_TIME/);
    expect(error.message).toContain(`CloudWatch alarm ${ALARM} went into ALARM`);
    expect(error.message).toContain("rollback reason: Alarm-based rollback");
    expect(error.message).toMatch(
      /production runs the previous service revision .*service-revision\/bluegreen\/sample-service\/999/,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ROLLBACK_IN_PROGRESS, stage BAKE_TIME.*alarm .*5xx in ALARM/));
  });

  it("when tasks never become healthy: fails naming the circuit breaker and the failed task count", async () => {
    const error = await failure(run({ steps: NEVER_HEALTHY }));
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(error.message).toContain(
      "the deployment circuit breaker triggered: 3 tasks failed to start or to become healthy (threshold 3)",
    );
    expect(error.message).toContain("ECS says: ECS deployment circuit breaker: tasks failed to start.");
    const counts = lines.map((line) => /circuit breaker (\d)\/3 failed tasks/.exec(line)?.[1]).filter(Boolean);
    expect(counts).toEqual(["1", "2", "3", "3", "3"]);
  });

  it("when a lifecycle hook fails: names the hook's Lambda function", async () => {
    const error = await failure(run({ steps: HOOK_FAILS }));
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(error.message).toMatch(/lifecycle hook arn:aws:lambda:eu-west-1:123456789012:function:.*smoke-test failed/);
  });

  it("when ECS stops it without a rollback: fails with STOPPED", async () => {
    const error = await failure(
      run({ steps: [...NEVER_HEALTHY.slice(0, 5), { status: "STOPPED", statusReason: "tasks failed to start" }] }),
    );
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(error.message).toMatch(/ended STOPPED at stage SCALE_UP: .*ECS says: tasks failed to start/);
  });
});

describe("throttling", () => {
  it("is absorbed by the SDK's retries when ECS throttles fewer times than the SDK attempts", async () => {
    ecs = await startFakeEcs({ steps: SUCCESS });
    ecs.failNext("DescribeServiceDeployments", SDK_ATTEMPTS - 1, throttled);
    const result = await deploy(deployOptions(artifacts), {
      ecsClient: localClient(ecs.url),
      log: (line) => lines.push(line),
    });
    expect(result.outcome).toBe("deployed");
    // One read to find the deployment plus one per later step, and the throttled attempts on top.
    expect(ecs.bodies("DescribeServiceDeployments")).toHaveLength(SUCCESS.length + SDK_ATTEMPTS - 1);
    expect(lines.filter((line) => line.includes("throttled"))).toEqual([]);
  });

  it("backs off between polls when a poll still fails after the SDK's retries, then carries on", async () => {
    ecs = await startFakeEcs({ steps: SUCCESS });
    const started = Date.now();
    // Two whole polls fail (each after all SDK attempts), the third succeeds.
    ecs.failNext("DescribeServiceDeployments", 2 * SDK_ATTEMPTS, throttled);
    const result = await deploy(deployOptions(artifacts, { pollIntervalMs: 20 }), {
      ecsClient: localClient(ecs.url),
      log: (line) => lines.push(line),
    });
    expect(result.outcome).toBe("deployed");
    const backoffs = lines.filter((line) => line.startsWith("ECS throttled ecs:DescribeServiceDeployments"));
    expect(backoffs).toEqual([
      expect.stringMatching(/on all 3 attempts .*asking again in 40 ms \(1 of 5\)$/),
      expect.stringMatching(/on all 3 attempts .*asking again in 80 ms \(2 of 5\)$/),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(stages().at(-1)).toBe("CLEAN_UP");
  });

  it("that persists fails clearly as an AWS error, saying what was last seen", async () => {
    ecs = await startFakeEcs({ steps: ENDLESS_BAKE });
    const error = await failure(
      (async () => {
        const client = localClient(ecs.url);
        // Let the deployment reach its bake time, then throttle every call from there on.
        const logged = (line: string) => {
          lines.push(line);
          if (line.includes("BAKE_TIME")) ecs?.failNext("DescribeServiceDeployments", 1000, throttled);
        };
        return deploy(deployOptions(artifacts), { ecsClient: client, log: logged });
      })(),
    );
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toMatch(
      new RegExp(
        `^ECS throttled ecs:DescribeServiceDeployments on all 3 attempts .*gave up after ${MAX_FAILED_POLLS + 1} polls in a row failed; service deployment .* was last seen IN_PROGRESS, stage BAKE_TIME.*, and ECS carries on with it$`,
      ),
    );
  });
});

describe("the timeout", () => {
  // On a virtual clock, so the deployment is baking when the timeout comes however slow the machine is.
  const endlessBake = async (overrides: Parameters<typeof deployOptions>[1] = {}) => {
    ecs = await startFakeEcs({ steps: ENDLESS_BAKE });
    return deploy(deployOptions(artifacts, { timeoutMs: 20 * 60_000, pollIntervalMs: 60_000, ...overrides }), {
      ecsClient: localClient(ecs.url),
      log: (line) => lines.push(line),
      clock: virtualClock(),
    });
  };

  it("asks ECS to roll our deployment back, and says the state it was in", async () => {
    const error = await failure(endlessBake());
    expect(error).toBeInstanceOf(DeploymentTimeoutError);
    expect(error.message).toMatch(
      /^timed out after 20 min: service deployment \S+deployment-1 is still IN_PROGRESS, stage BAKE_TIME.*; asked ECS to roll it back/,
    );
    expect(ecs?.bodies("StopServiceDeployment")).toEqual([
      { serviceDeploymentArn: expect.stringMatching(/deployment-1$/), stopType: "ROLLBACK" },
    ]);
  });

  it("with --on-timeout leave, leaves it running and says so", async () => {
    const error = await failure(endlessBake({ onTimeout: "leave" }));
    expect(error).toBeInstanceOf(DeploymentTimeoutError);
    expect(error.message).toMatch(/still IN_PROGRESS, stage BAKE_TIME.*; left running \(--on-timeout leave\)/);
    expect(operations()).not.toContain("StopServiceDeployment");
  });

  it("shorter than the configured traffic shifts and bake time is refused before anything is registered", async () => {
    const error = await failure(
      run(
        {
          steps: SUCCESS,
          service: {
            deploymentConfiguration: {
              strategy: "LINEAR",
              bakeTimeInMinutes: 10,
              linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 5 },
            },
          },
        },
        { timeoutMs: 30 * 60_000 },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(
      "deploys linear, 5 steps of 20% with 5 min between them, then 10 min bake time: at least 30 min",
    );
    expect(operations()).toEqual(["DescribeServices"]);
  });
});

describe("a re-run (the pipeline retried after a crash)", () => {
  it("follows the deployment of the same image that is still in progress instead of starting a second one", async () => {
    const result = await run({ current: { image: IMAGE_URI, steps: SUCCESS.slice(4) } });
    expect(result.outcome).toBe("adopted");
    expect(result.serviceDeploymentArn).toMatch(/deployment-1$/);
    expect(operations()).not.toContain("RegisterTaskDefinition");
    expect(operations()).not.toContain("UpdateService");
    expect(lines[0]).toMatch(/is already IN_PROGRESS \(an earlier run of this step started it\); following it/);
    expect(stages().at(-1)).toBe("CLEAN_UP");
  });

  it("does nothing when the service's current deployment of the same image already succeeded", async () => {
    const result = await run({ current: { image: IMAGE_URI, steps: [SUCCESS.at(-1) as Record<string, unknown>] } });
    expect(result.outcome).toBe("already-deployed");
    expect(operations()).toEqual(["DescribeServices", "DescribeServiceDeployments", "DescribeServiceRevisions"]);
  });

  it("deploys again when the earlier deployment of the same image was rolled back", async () => {
    const result = await run({
      current: { image: IMAGE_URI, steps: [ROLLBACK_ON_ALARM.at(-1) as Record<string, unknown>] },
      steps: SUCCESS,
    });
    expect(result.outcome).toBe("deployed");
    expect(result.serviceDeploymentArn).toMatch(/deployment-2$/);
  });

  it("waits for a deployment of another image to end, then starts its own", async () => {
    const result = await run({ current: { image: OTHER_IMAGE_URI, steps: SUCCESS.slice(7) }, steps: SUCCESS });
    expect(result).toMatchObject({ outcome: "deployed", serviceDeploymentArn: expect.stringMatching(/deployment-2$/) });
    expect(lines[0]).toContain(`(${OTHER_IMAGE_URI}) is IN_PROGRESS; waiting for it to end before starting this one`);
    expect(lines).toContainEqual(expect.stringMatching(/^other deployment: SUCCESSFUL/));
    const waited = operations().indexOf("RegisterTaskDefinition");
    expect(
      operations()
        .slice(0, waited)
        .filter((operation) => operation === "DescribeServiceDeployments"),
    ).toHaveLength(4);
  });
});

describe("on a clock of its own (no real waiting)", () => {
  it("does not start when waiting for another deployment left less time than its own needs", async () => {
    ecs = await startFakeEcs({
      service: { deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 30 } },
      current: {
        image: OTHER_IMAGE_URI,
        steps: [...Array(15).fill(SUCCESS[8]), SUCCESS[10] as Record<string, unknown>],
      },
      steps: SUCCESS,
    });
    const error = await failure(
      deploy(deployOptions(artifacts, { timeoutMs: 40 * 60_000, pollIntervalMs: 60_000 }), {
        ecsClient: localClient(ecs.url),
        log: (line) => lines.push(line),
        clock: virtualClock(),
      }),
    );
    expect(error).toBeInstanceOf(DeploymentTimeoutError);
    expect(error.message).toMatch(
      /^after waiting for service deployment \S+deployment-1, 25 min of the timeout remain, less than the 30 min this service's deployment takes at least \(blue\/green, then 30 min bake time\); nothing was deployed by this run/,
    );
    expect(operations()).not.toContain("RegisterTaskDefinition");
  });

  it("prints a heartbeat every 5 minutes of an unchanging bake time", async () => {
    ecs = await startFakeEcs({
      steps: [...SUCCESS.slice(0, 8), ...Array(12).fill(SUCCESS[8]), SUCCESS[10] as Record<string, unknown>],
    });
    await deploy(deployOptions(artifacts, { timeoutMs: 60 * 60_000, pollIntervalMs: 60_000 }), {
      ecsClient: localClient(ecs.url),
      log: (line) => lines.push(line),
      clock: virtualClock(),
    });
    const heartbeats = lines.filter((line) => line.includes("unchanged for"));
    expect(heartbeats.map((line) => /unchanged for ([\d.]+ min)/.exec(line)?.[1])).toEqual(["5 min", "10 min"]);
  });
});

describe("a service this step cannot deploy", () => {
  it("refuses a CODE_DEPLOY service before registering anything", async () => {
    const error = await failure(run({ steps: SUCCESS, service: { deploymentController: { type: "CODE_DEPLOY" } } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("uses the CODE_DEPLOY deployment controller");
    expect(operations()).toEqual(["DescribeServices"]);
  });

  it("names a service that does not exist", async () => {
    const error = await failure(run({ serviceMissing: true }));
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toBe(
      `service ${SERVICE} not found in cluster ${CLUSTER} (MISSING): check --service / --cluster, and that the service's stack is deployed`,
    );
    expect(operations()).toEqual(["DescribeServices"]);
  });

  it("explains access denied with the IAM action it needs", async () => {
    ecs = await startFakeEcs({ steps: SUCCESS });
    ecs.failNext("UpdateService", 1, {
      type: "AccessDeniedException",
      message: "User is not authorized to perform: ecs:UpdateService",
    });
    const error = await failure(deploy(deployOptions(artifacts), { ecsClient: localClient(ecs.url) }));
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toMatch(
      /^access denied: the credentials in use need ecs:UpdateService on service sample-service in cluster bluegreen in eu-west-1/,
    );
  });
});

describe("the container", () => {
  it("must be the one whose image is the placeholder", async () => {
    ecs = await startFakeEcs({ steps: SUCCESS });
    const error = await failure(
      deploy(deployOptions(artifacts, { container: "otel-collector" }), { ecsClient: localClient(ecs.url) }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`has no container named "otel-collector" (containers: ${CONTAINER})`);
    expect(ecs.requests).toEqual([]);
  });
});
