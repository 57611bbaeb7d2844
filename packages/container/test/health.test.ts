import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HealthCheckFailed, probe, waitForHealthy } from "../src/health.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real server on loopback that answers 503 `unhealthyAnswers` times, then 200. */
async function serverHealthyAfter(unhealthyAnswers: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.statusCode = req.url === "/health" && requests > unhealthyAnswers ? 200 : 503;
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/health`, requests: () => requests };
}

const never = new Promise<number | null>(() => {});

describe("probe", () => {
  it("returns the status, or the connection error's code", async () => {
    const { url } = await serverHealthyAfter(0);
    expect(await probe(url)).toEqual({ status: 200 });
    const closed = await serverHealthyAfter(0);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await probe(closed.url)).toEqual({ error: "ECONNREFUSED" });
  });
});

describe("waitForHealthy", () => {
  it("keeps asking until the answer is 200", async () => {
    const server = await serverHealthyAfter(3);
    await waitForHealthy({ url: server.url, timeoutMs: 30_000, intervalMs: 5, exited: never });
    expect(server.requests()).toBe(4);
  });

  it("stops when the container exits, naming the exit code", async () => {
    const server = await serverHealthyAfter(Number.POSITIVE_INFINITY);
    await expect(
      waitForHealthy({ url: server.url, timeoutMs: 30_000, intervalMs: 5, exited: Promise.resolve(3) }),
    ).rejects.toThrow(new HealthCheckFailed(`the container exited (code 3) before GET ${server.url} answered 200`));
  });

  it("gives up after the timeout with the last answer", async () => {
    const server = await serverHealthyAfter(Number.POSITIVE_INFINITY);
    await expect(waitForHealthy({ url: server.url, timeoutMs: 50, intervalMs: 5, exited: never })).rejects.toThrow(
      `GET ${server.url} did not answer 200 within 50 ms (last: HTTP 503)`,
    );
  });
});
