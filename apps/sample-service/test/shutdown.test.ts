import { once } from "node:events";
import { Agent } from "node:http";
import { connect, type Socket } from "node:net";
import type { Router } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { type ServerHandle, startServer } from "../src/shutdown.ts";
import { captureLogger, type Deferred, deferred, get, HEALTH, testConfig } from "./helpers.ts";

// Graceful shutdown against a real HTTP server on an ephemeral port. No test sleeps: the slow route tells the test
// when a request has arrived, and finishes only when the test releases it.

interface Harness {
  handle: ServerHandle;
  lines: ReturnType<typeof captureLogger>["lines"];
  /** Resolves when /test/slow or /test/stream has been reached. */
  arrived: Deferred;
  /** Lets the slow requests finish. */
  release: Deferred;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(env: Record<string, string> = {}): Promise<Harness> {
  const config = testConfig({ SHUTDOWN_GRACE_MS: "5000", ...env });
  const { logger, lines } = captureLogger(config);
  const arrived = deferred();
  const release = deferred();
  const extraRoutes = (router: Router) => {
    router.get("/test/slow", async (_req, res) => {
      arrived.resolve();
      await release.promise;
      res.json({ done: true });
    });
    router.get("/test/stream", async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("started;");
      arrived.resolve();
      await release.promise;
      res.end("done");
    });
  };
  const handle = await startServer(config, { logger, app: { extraRoutes } });
  cleanups.push(() => handle.shutdown("test cleanup"), release.resolve);
  return { handle, lines, arrived, release };
}

function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  return agent;
}

async function rawConnection(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  cleanups.push(() => socket.destroy());
  await once(socket, "connect");
  return socket;
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("close", () => resolve(text));
  });
}

describe("startServer", () => {
  it("listens on a free port when PORT=0 and logs the real one", async () => {
    const { handle, lines } = await start({ SERVICE_VERSION: "v1.2.3" });
    expect(handle.port).toBeGreaterThan(0);
    expect(lines).toContainEqual(expect.objectContaining({ msg: "listening", port: handle.port, version: "v1.2.3" }));
    expect((await get(handle.port, HEALTH)).status).toBe(200);
  });

  it("keeps idle connections open longer than the ALB does", async () => {
    const { handle } = await start();
    expect(handle.server.keepAliveTimeout).toBe(65_000);
    expect(handle.server.headersTimeout).toBeGreaterThan(handle.server.keepAliveTimeout);
  });

  it("rejects when the port is taken", async () => {
    const { handle } = await start();
    await expect(
      startServer(testConfig({ PORT: String(handle.port) }), { logger: captureLogger(testConfig()).logger }),
    ).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});

describe("graceful shutdown", () => {
  it("lets a request in flight finish with Connection: close, and refuses new connections", async () => {
    const { handle, arrived, release } = await start();
    const slow = get(handle.port, "/test/slow", keepAliveAgent());
    await arrived.promise;

    const shutdown = handle.shutdown("SIGTERM");
    expect(handle.shuttingDown).toBe(true);
    await expect(get(handle.port, HEALTH)).rejects.toMatchObject({ code: "ECONNREFUSED" });

    release.resolve();
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ done: true });
    expect(reply.headers.connection).toBe("close");
    expect(await shutdown).toMatchObject({ reason: "SIGTERM", forced: false, abortedRequests: 0 });
  });

  it("closes idle keep-alive connections at once", async () => {
    const { handle } = await start();
    const agent = keepAliveAgent();
    const reply = await get(handle.port, HEALTH, agent);
    expect(reply.headers.connection).toBe("keep-alive");
    const idle = Object.values(agent.freeSockets)[0]?.[0];
    expect(idle).toBeDefined();
    const closed = once(idle as Socket, "close");

    const result = await handle.shutdown("SIGTERM");
    await closed;
    // Had the idle connection stayed open (65 s keep-alive), the 5 s grace would have run out and forced it.
    expect(result).toMatchObject({ forced: false, abortedRequests: 0 });
  });

  it("closes a connection whose response had already started once that response ends", async () => {
    const { handle, arrived, release } = await start();
    const agent = keepAliveAgent();
    const streaming = get(handle.port, "/test/stream", agent);
    await arrived.promise;

    const shutdown = handle.shutdown("SIGTERM");
    release.resolve();
    const reply = await streaming;
    expect(reply.body).toBe("started;done");
    expect(reply.headers.connection).toBe("keep-alive"); // sent before shutdown began
    expect(await shutdown).toMatchObject({ forced: false });
  });

  it("answers readiness with 503 and Connection: close to a request arriving during shutdown", async () => {
    const { handle } = await start();
    // A client already connected that is still sending its request when SIGTERM comes.
    const socket = await rawConnection(handle.port);
    const response = readAll(socket);
    socket.write("GET /ready HTTP/1.1\r\nHost: localhost\r\n");
    // A full round trip on another connection: by then the server has read the partial request above.
    await get(handle.port, HEALTH);

    const shutdown = handle.shutdown("SIGTERM");
    socket.write("\r\n");
    const text = await response;
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(text).toContain('{"status":"shutting_down"}');
    expect(await shutdown).toMatchObject({ forced: false });
  });

  it("cuts what is still running when the grace period ends, and says so", async () => {
    const { handle, lines, arrived } = await start({ SHUTDOWN_GRACE_MS: "100" });
    const slow = get(handle.port, "/test/slow", keepAliveAgent());
    const failed = slow.then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    await arrived.promise;

    const result = await handle.shutdown("SIGTERM");
    expect(result).toMatchObject({ reason: "SIGTERM", forced: true, abortedRequests: 1 });
    expect(await failed).toMatchObject({ code: "ECONNRESET" });
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", abortedRequests: 1 }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: "shutdown complete", forced: true }));
  });

  it("returns the same shutdown to every caller", async () => {
    const { handle } = await start();
    const first = handle.shutdown("SIGTERM");
    expect(handle.shutdown("SIGINT")).toBe(first);
    expect((await first).reason).toBe("SIGTERM");
  });
});
