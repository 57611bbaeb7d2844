import express, { type Router } from "express";
import helmet from "helmet";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp, type Lifecycle } from "../src/app.ts";
import type { Config } from "../src/config.ts";
import { GreetingStore } from "../src/greetings.ts";
import { JSON_API_HEADERS } from "../src/security-headers.ts";
import { captureLogger, HEALTH, MANIFEST, testConfig } from "./helpers.ts";

/** Test-only routes: none of them exists in the production app. */
function failingRoutes(router: Router): void {
  router.get("/test/throw", () => {
    throw new Error("boom: secret detail");
  });
  router.get("/test/reject", async () => {
    throw new Error("async boom");
  });
}

function appFor(config: Config = testConfig(), lifecycle?: Lifecycle) {
  const { logger, lines } = captureLogger(config);
  const app = createApp(config, { logger, extraRoutes: failingRoutes, ...(lifecycle && { lifecycle }) });
  return { app, lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("probes and identity", () => {
  it("GET /health answers 200 ok", async () => {
    const res = await request(appFor().app).get(HEALTH).expect(200).expect("Content-Type", /json/);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("HEAD /health answers 200 without a body", async () => {
    const res = await request(appFor().app).head(HEALTH).expect(200);
    expect(res.text).toBeUndefined();
  });

  it("GET /ready answers 200, and 503 once shutdown has begun", async () => {
    const lifecycle = { shuttingDown: false };
    const { app } = appFor(testConfig(), lifecycle);
    expect((await request(app).get("/ready").expect(200)).body).toEqual({ status: "ready" });
    lifecycle.shuttingDown = true;
    expect((await request(app).get("/ready").expect(503)).body).toEqual({ status: "shutting_down" });
    // Liveness is unaffected: the task is still healthy while it drains.
    await request(app).get(HEALTH).expect(200);
  });

  it("GET / names the service and the running version", async () => {
    const { app } = appFor(testConfig({ SERVICE_NAME: "orders", SERVICE_VERSION: "abc1234" }));
    const res = await request(app).get("/").expect(200);
    expect(res.body).toEqual({ service: "orders", version: "abc1234" });
  });
});

describe("greetings", () => {
  it("POST /greetings creates a greeting that GET /greetings/:id returns", async () => {
    const { app } = appFor();
    const created = await request(app).post("/greetings").send({ name: "  Ada " }).expect(201);
    expect(created.body).toMatchObject({ name: "Ada", message: "Hello, Ada!" });
    expect(created.body.id).toMatch(UUID);
    expect(created.headers.location).toBe(`/greetings/${created.body.id}`);

    const fetched = await request(app).get(`/greetings/${created.body.id}`).expect(200);
    expect(fetched.body).toEqual(created.body);
  });

  it("GET /greetings/:id answers 404 for an unknown id", async () => {
    const res = await request(appFor().app).get("/greetings/nope").expect(404);
    expect(res.body.error).toMatchObject({ code: "not_found", message: "No greeting with this id" });
  });

  it.each([
    [{}, "name: is required"],
    [{ name: 42 }, "name: must be a string"],
    [{ name: null }, "name: must be a string"],
    [{ name: "   " }, "name: must not be empty"],
    [{ name: "x".repeat(101) }, "name: must be at most 100 characters"],
    [[{ name: "Ada" }], "body: must be a JSON object"],
  ])("rejects %j with 400 naming the field", async (body, message) => {
    const res = await request(appFor().app)
      .post("/greetings")
      .send(body as object)
      .expect(400);
    expect(res.body.error).toMatchObject({ code: "validation_failed", message });
    expect(res.body.error.details[0].field).toBe(message.split(":")[0]);
  });

  it("accepts a name of exactly 100 characters", async () => {
    await request(appFor().app)
      .post("/greetings")
      .send({ name: "x".repeat(100) })
      .expect(201);
  });

  it.each([
    [
      "a POST without a body",
      undefined,
      undefined,
      400,
      { code: "validation_failed", message: "body: must be a JSON object" },
    ],
    [
      "malformed JSON",
      "application/json",
      '{"name": "Ada"',
      400,
      { code: "invalid_json", message: "Request body is not valid JSON" },
    ],
    ["a body that is not JSON", "text/plain", "name=Ada", 415, { code: "unsupported_media_type" }],
  ])("rejects %s with %i and a JSON error", async (_what, contentType, body, status, error) => {
    const post = request(appFor().app).post("/greetings");
    if (contentType) post.set("Content-Type", contentType);
    const res = await (body === undefined ? post : post.send(body)).expect(status).expect("Content-Type", /json/);
    expect(res.body.error).toMatchObject(error);
  });

  it("rejects a body over BODY_LIMIT with 413", async () => {
    const { app } = appFor(testConfig({ BODY_LIMIT: "1kb" }));
    const res = await request(app)
      .post("/greetings")
      .send({ name: "x".repeat(2000) })
      .expect(413);
    expect(res.body.error).toMatchObject({ code: "payload_too_large", message: "Request body is larger than 1kb" });
  });

  it("keeps at most `capacity` greetings, dropping the oldest", () => {
    const store = new GreetingStore(2);
    const first = store.add("a");
    store.add("b");
    store.add("c");
    expect(store.size).toBe(2);
    expect(store.get(first.id)).toBeUndefined();
  });
});

describe("unknown routes and methods", () => {
  it("answers 404 in the JSON error shape", async () => {
    const res = await request(appFor().app).get("/nowhere").set("X-Request-Id", "req-404").expect(404);
    expect(res.body).toEqual({
      error: { code: "not_found", message: "No route for GET /nowhere", requestId: "req-404" },
    });
  });

  it.each([
    ["delete", HEALTH, "GET, HEAD, OPTIONS"],
    ["post", "/ready", "GET, HEAD, OPTIONS"],
    ["put", "/", "GET, HEAD, OPTIONS"],
    ["get", "/greetings", "POST, OPTIONS"],
    ["patch", "/greetings/123", "GET, HEAD, OPTIONS"],
  ] as const)("answers %s %s with 405 and Allow: %s", async (method, path, allow) => {
    const res = await request(appFor().app)[method](path).expect(405).expect("Allow", allow);
    expect(res.body.error.code).toBe("method_not_allowed");
  });

  it("answers OPTIONS on a known path with 204 and Allow", async () => {
    await request(appFor().app).options("/greetings").expect(204).expect("Allow", "POST, OPTIONS");
  });
});

describe("request ids", () => {
  it("echoes a valid X-Request-Id and logs it", async () => {
    const { app, lines } = appFor();
    await request(app).get("/").set("X-Request-Id", "abc-123.def_456").expect("X-Request-Id", "abc-123.def_456");
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "request completed",
        reqId: "abc-123.def_456",
        method: "GET",
        url: "/",
        status: 200,
      }),
    );
  });

  it("generates one when there is none", async () => {
    const res = await request(appFor().app).get("/").expect(200);
    expect(res.headers["x-request-id"]).toMatch(UUID);
  });

  it.each(["has spaces", "x".repeat(129), "<script>", "a\tb"])("replaces an invalid X-Request-Id %j", async (id) => {
    const res = await request(appFor().app).get("/").set("X-Request-Id", id).expect(200);
    expect(res.headers["x-request-id"]).toMatch(UUID);
  });

  it("puts the request id in error bodies", async () => {
    const res = await request(appFor().app).post("/greetings").send({}).set("X-Request-Id", "req-400").expect(400);
    expect(res.body.error.requestId).toBe("req-400");
  });
});

describe("logging", () => {
  it("logs probes at debug level only", async () => {
    const quiet = appFor(testConfig({ LOG_LEVEL: "info" }));
    await request(quiet.app).get(HEALTH).expect(200);
    await request(quiet.app).get("/ready").expect(200);
    expect(quiet.lines).toEqual([]);

    const verbose = appFor(testConfig({ LOG_LEVEL: "debug" }));
    await request(verbose.app).get(HEALTH).expect(200);
    expect(verbose.lines).toContainEqual(expect.objectContaining({ level: "debug", url: HEALTH, status: 200 }));
  });

  it("logs other requests at info with service and version", async () => {
    const { app, lines } = appFor(testConfig({ SERVICE_VERSION: "v9" }));
    await request(app).get("/nowhere").expect(404);
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        service: MANIFEST.name,
        version: "v9",
        status: 404,
        durationMs: expect.any(Number),
      }),
    ]);
  });
});

describe("security headers", () => {
  it("sets helmet's headers and hides the framework", async () => {
    const res = await request(appFor().app).get("/").expect(200);
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    // A JSON API's policy: nothing loads in a response's context, nothing frames it.
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers["strict-transport-security"]).toContain("max-age=");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("sends exactly helmet's own headers, and otherwise only its own", async () => {
    // helmet is the source of truth: a bare app with helmet(JSON_API_HEADERS) in front of it.
    const bare = express().use(helmet(JSON_API_HEADERS));
    bare.get("/", (_req, res) => {
      res.end();
    });
    const fromHelmet = (await request(bare).get("/")).headers;
    const ours = (await request(appFor().app).get("/").expect(200)).headers;
    const transport = ["date", "connection", "keep-alive", "content-length", "content-type", "transfer-encoding"];
    const helmetNames = Object.keys(fromHelmet).filter((name) => !transport.includes(name));
    expect(helmetNames.length).toBeGreaterThan(10);
    for (const name of helmetNames) expect([name, ours[name]]).toEqual([name, fromHelmet[name]]);
    expect(Object.keys(ours).filter((name) => !helmetNames.includes(name) && !transport.includes(name))).toEqual([
      "x-request-id",
    ]);
  });

  it("sets them on errors too", async () => {
    const res = await request(appFor().app).get("/nowhere").expect(404);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });
});

describe("500 errors", () => {
  it.each(["/test/throw", "/test/reject"])("hides the stack in production (%s)", async (path) => {
    const { app, lines } = appFor(testConfig({ NODE_ENV: "production" }));
    const res = await request(app).get(path).set("X-Request-Id", "req-500").expect(500);
    expect(res.body).toEqual({
      error: { code: "internal_error", message: "Internal server error", requestId: "req-500" },
    });
    expect(res.text).not.toContain("boom");
    expect(res.text).not.toMatch(/at .*\.ts/);
    // ...but the log has it, with the request id.
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        reqId: "req-500",
        err: expect.objectContaining({ stack: expect.any(String) }),
      }),
    );
  });

  it("includes the stack in development", async () => {
    const { app } = appFor(testConfig({ NODE_ENV: "development" }));
    const res = await request(app).get("/test/throw").expect(500);
    expect(res.body.error.stack).toContain("boom: secret detail");
  });

  it("does not include the test-only routes unless injected", async () => {
    const config = testConfig();
    const app = createApp(config, { logger: captureLogger(config).logger });
    await request(app).get("/test/throw").expect(404);
  });
});
