import { createServer, type Server } from "node:http";
import { type AddressInfo, Server as NetServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startClosedLoopLoad } from "../src/keepalive-load.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("startClosedLoopLoad", () => {
  it("honours Connection: close: no failure when a server stops listening and closes each connection after its answer", async () => {
    let closing = false;
    const url = await listen((_req, res) => {
      // A graceful server: once closing, every answer says Connection: close.
      if (closing) res.setHeader("Connection", "close");
      res.end("ok");
    });
    const load = startClosedLoopLoad(url, { connections: 4, expectStatus: 200 });
    await sleep(200);
    closing = true;
    // Stop listening without touching open connections (http.Server#close would also cut idle ones): each
    // connection's next answer carries Connection: close, and the client reconnects instead of reusing it.
    NetServer.prototype.close.call(server);
    const tally = await load.settled;
    expect(tally.failed).toBe(0);
    expect(tally.ok).toBeGreaterThan(4);
    expect(tally.refused).toBe(4);
    expect(tally.unexpectedStatus).toBe(0);
  });

  it("counts a request whose connection is cut as failed, and another status as unexpected", async () => {
    let served = 0;
    const url = await listen((req, res) => {
      served++;
      if (served % 2 === 0) req.socket.destroy();
      else res.writeHead(503).end();
    });
    const load = startClosedLoopLoad(url, { connections: 2, expectStatus: 200 });
    await sleep(200);
    const tally = await load.stop();
    expect(tally.failed).toBeGreaterThan(0);
    expect(Object.keys(tally.failedCodes).length).toBeGreaterThan(0);
    expect(tally.unexpectedStatus).toBeGreaterThan(0);
    expect(tally.ok).toBe(0);
  });
});
