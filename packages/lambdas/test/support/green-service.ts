import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { SmokeTestSettings } from "../../src/smoke-test/smoke-test.ts";

/**
 * The green service as the test listener shows it, a real HTTP server on 127.0.0.1. "healthy": 200 on the health
 * path, 404 on "/"; "error": 500 everywhere; "hang": accepts and never answers; "recovers": 500 for the first
 * `failFirst` requests (default 2), healthy afterwards.
 */
export type Behaviour = "healthy" | "error" | "hang" | "recovers";

export interface GreenService {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startGreen(behaviour: Behaviour, failFirst = 2): Promise<GreenService> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (behaviour === "hang") return; // never answers: the per-request timeout must fire
    const failing = behaviour === "error" || (behaviour === "recovers" && requests.length <= failFirst);
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
export async function closedPort(): Promise<string> {
  const green = await startGreen("healthy");
  await green.close();
  return green.url;
}

/** What the Lambda runtime's context tells a handler: the time left before the function's timeout. */
export function lambdaContext(remainingMs: number): { getRemainingTimeInMillis(): number } {
  const end = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}

/** The smoke test as the hooks run it (health path and "/"), with timings short enough for tests. */
export function smokeSettings(baseUrl: string, overrides: Partial<SmokeTestSettings> = {}): SmokeTestSettings {
  return {
    baseUrl,
    checks: [
      { path: "/health", expect: "success" },
      { path: "/", expect: "no-server-error" },
    ],
    attempts: 3,
    timeoutMs: 300,
    backoffMs: 10,
    ...overrides,
  };
}
