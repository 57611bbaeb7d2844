import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHandler,
  type LifecycleHookEvent,
  settingsFromEnvironment,
} from "../lambda/test-traffic-hook/handler.ts";
import type { SmokeTestSettings } from "../lambda/test-traffic-hook/smoke-test.ts";
import { bundleLambda } from "../lib/lambda-bundle.ts";
import { DUMMY_AWS_ENV, type FakeEndpoint, json, startEndpoint } from "./support/aws-endpoint.ts";

const EVENT: LifecycleHookEvent = { DeploymentId: "d-ABCDEF123", LifecycleEventHookExecutionId: "hook-exec-42" };
const TARGET = "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus";

/** The green service as the test listener would show it. */
type Behaviour = "healthy" | "error" | "hang" | "recovers";

interface GreenService {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function startGreen(behaviour: Behaviour): Promise<GreenService> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (behaviour === "hang") return; // never answers: the per-request timeout must fire
    const failing = behaviour === "error" || (behaviour === "recovers" && requests.length <= 2);
    res.writeHead(failing ? 500 : req.url === "/" ? 404 : 200, { "content-type": "application/json" });
    res.end(failing ? '{"error":"boom"}' : '{"status":"ok"}');
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<string> {
  const green = await startGreen("healthy");
  await green.close();
  return green.url;
}

function settings(baseUrl: string): SmokeTestSettings {
  return {
    baseUrl,
    checks: [
      { path: "/health", expect: "success" },
      { path: "/", expect: "no-server-error" },
    ],
    attempts: 3,
    timeoutMs: 300,
    backoffMs: 10,
  };
}

describe("the AfterAllowTestTraffic hook (real CodeDeploy client against a local endpoint)", () => {
  let codeDeploy: FakeEndpoint;
  let client: CodeDeployClient;
  const greens: GreenService[] = [];

  beforeAll(async () => {
    codeDeploy = await startEndpoint((call) =>
      call.operation === TARGET
        ? json(200, { lifecycleEventHookExecutionId: JSON.parse(call.body).lifecycleEventHookExecutionId })
        : json(400, { __type: "UnknownOperationException", message: call.operation }),
    );
    client = new CodeDeployClient({
      endpoint: codeDeploy.url,
      region: DUMMY_AWS_ENV.AWS_REGION,
      credentials: {
        accessKeyId: DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: DUMMY_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    codeDeploy.calls.length = 0;
    await Promise.all(greens.splice(0).map((g) => g.close()));
  });
  afterAll(async () => {
    client.destroy();
    await codeDeploy.close();
  });

  async function run(baseUrl: string) {
    const lines: string[] = [];
    const outcome = await createHandler(client, settings(baseUrl), (line) => lines.push(line))(EVENT);
    expect(codeDeploy.calls).toHaveLength(1);
    const [call] = codeDeploy.calls;
    expect(call?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d+\/eu-west-1\/codedeploy\//,
    );
    return { outcome, sent: JSON.parse(call?.body ?? "{}"), lines };
  }

  it("reports Succeeded when the green task set answers /health and /", async () => {
    const green = await startGreen("healthy");
    greens.push(green);
    const { outcome, sent } = await run(green.url);
    expect(sent).toEqual({
      deploymentId: "d-ABCDEF123",
      lifecycleEventHookExecutionId: "hook-exec-42",
      status: "Succeeded",
    });
    expect(outcome.status).toBe("Succeeded");
    expect(green.requests).toEqual(["/health", "/"]);
  });

  it("retries with back-off and still succeeds when the service recovers", async () => {
    const green = await startGreen("recovers");
    greens.push(green);
    const { sent } = await run(green.url);
    expect(sent.status).toBe("Succeeded");
    expect(green.requests).toEqual(["/health", "/health", "/health", "/"]);
  });

  it("reports Failed after all retries when the service answers 500", async () => {
    const green = await startGreen("error");
    greens.push(green);
    const { sent, outcome, lines } = await run(green.url);
    expect(sent.status).toBe("Failed");
    expect(green.requests.filter((p) => p === "/health")).toHaveLength(3);
    expect(outcome.smokeTest.results[0]).toMatchObject({ ok: false, attempts: 3, outcome: "HTTP 500" });
    expect(lines.join("\n")).toContain('"status":"Failed"');
  });

  it("reports Failed when requests time out", async () => {
    const green = await startGreen("hang");
    greens.push(green);
    const { sent, outcome } = await run(green.url);
    expect(sent.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toBe("timed out after 300 ms");
  });

  it("reports Failed when the connection is refused", async () => {
    const { sent, outcome } = await run(await closedPort());
    expect(sent.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toBe("ECONNREFUSED");
  });

  it("rejects an event that is not a CodeDeploy hook event, without calling CodeDeploy", async () => {
    await expect(createHandler(client, settings("http://127.0.0.1:1"))({} as LifecycleHookEvent)).rejects.toThrow(
      /DeploymentId/,
    );
    expect(codeDeploy.calls).toHaveLength(0);
  });

  it("reports Failed when its settings are broken, so the deployment does not wait for the hook's timeout", async () => {
    const outcome = await createHandler(
      client,
      () => settingsFromEnvironment({}),
      () => {},
    )(EVENT);
    expect(outcome.status).toBe("Failed");
    expect(outcome.smokeTest.results[0]?.outcome).toContain("TEST_URL is required");
    expect(JSON.parse(codeDeploy.calls[0]?.body ?? "{}").status).toBe("Failed");
  });

  it("reads its settings from the environment the stack sets", () => {
    expect(
      settingsFromEnvironment({ TEST_URL: "http://alb:9000", HEALTH_PATH: "/ready", ATTEMPTS: "2", BACKOFF_MS: "5" }),
    ).toEqual({
      baseUrl: "http://alb:9000",
      checks: [
        { path: "/ready", expect: "success" },
        { path: "/", expect: "no-server-error" },
      ],
      attempts: 2,
      timeoutMs: 3000,
      backoffMs: 5,
    });
    expect(() => settingsFromEnvironment({})).toThrow(/TEST_URL/);
    expect(() => settingsFromEnvironment({ TEST_URL: "http://x", ATTEMPTS: "0" })).toThrow(/ATTEMPTS/);
  });

  it("works as bundled for Lambda: the esbuild output's handler reports to CodeDeploy through AWS_ENDPOINT_URL_CODEDEPLOY", async () => {
    const green = await startGreen("healthy");
    greens.push(green);
    const saved = { ...process.env };
    Object.assign(process.env, DUMMY_AWS_ENV, {
      AWS_ENDPOINT_URL_CODEDEPLOY: codeDeploy.url,
      AWS_MAX_ATTEMPTS: "1",
      TEST_URL: green.url,
      HEALTH_PATH: "/health",
    });
    try {
      const bundle = `${bundleLambda("test-traffic-hook")}/index.js`;
      const { handler } = createRequire(import.meta.url)(bundle) as {
        handler: (event: LifecycleHookEvent) => Promise<{ status: string }>;
      };
      const outcome = await handler(EVENT);
      expect(outcome.status).toBe("Succeeded");
      expect(codeDeploy.calls.map((c) => c.operation)).toEqual([TARGET]);
      expect(JSON.parse(codeDeploy.calls[0]?.body ?? "{}").status).toBe("Succeeded");
    } finally {
      process.env = saved;
    }
  });
});
