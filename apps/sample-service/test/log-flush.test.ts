import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CONFIG } from "../src/config.ts";
import { get } from "./helpers.ts";
import { bundleAlone, listening, parsed, type Running, run } from "./processes.ts";

// The bundle as it ships, as a process: its log lines are held until the end of an event-loop turn, and every way
// out (a shutdown, an uncaught exception, a bad configuration) leaves within a turn, so each line logged on the way
// out reaches stdout only because the entry flushes on exit. Each test fails without that flush.

const throwOnSigusr2 = fileURLToPath(new URL("./support/throw-on-sigusr2.mjs", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await bundleAlone();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sends GET / with these request ids, one after the other. */
async function serve(port: number, ids: string[]): Promise<void> {
  for (const id of ids) {
    const reply = await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Request-Id": id } });
    expect(reply.status).toBe(200);
    await reply.arrayBuffer();
  }
}

function requestLines(running: Running) {
  return parsed(running)
    .filter((line) => line.msg === "request completed")
    .map((line) => line.reqId);
}

describe("log lines held in the buffer reach stdout before the process exits", () => {
  const ids = ["flush-1", "flush-2", "flush-3"];

  it("on SIGTERM: the request lines, then the shutdown's, the last one included", async () => {
    const running = run(["server.js"], { PORT: "0" }, dir);
    await serve(await listening(running), ids);
    running.child.kill("SIGTERM");

    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(requestLines(running)).toEqual(ids);
    expect(parsed(running).map((line) => line.msg)).toEqual([
      "listening",
      ...ids.map(() => "request completed"),
      "shutting down",
      "shutdown complete",
    ]);
  });

  it("on an uncaught exception: the fatal line with the error, after the request lines", async () => {
    const running = run(["--import", throwOnSigusr2, "server.js"], { PORT: "0" }, dir);
    const port = await listening(running);
    await serve(port, ids);
    running.child.kill("SIGUSR2");

    expect(await running.exited).toEqual({ code: 1, signal: null });
    expect(requestLines(running)).toEqual(ids);
    const last = parsed(running).at(-1);
    expect(last).toMatchObject({ level: "fatal", msg: "uncaught exception" });
    expect(last?.err).toMatchObject({ message: "thrown on SIGUSR2 by the test preload" });
  });

  it("on a bad configuration: one line naming the variable, and exit code 78", async () => {
    const running = run(["server.js"], { LOG_LEVEL: "chatty" }, dir);

    expect(await running.exited).toEqual({ code: EXIT_CONFIG, signal: null });
    expect(parsed(running)).toEqual([
      { level: "fatal", time: expect.any(Number), msg: expect.stringContaining("LOG_LEVEL must be one of") },
    ]);
  });
});

describe("while running", () => {
  it("writes a request's line within the turn that logged it, without waiting for more", async () => {
    const running = run(["server.js"], { PORT: "0" }, dir);
    try {
      const port = await listening(running);
      await get(port, "/");
      await expect.poll(() => requestLines(running), { timeout: 2000 }).toHaveLength(1);
    } finally {
      running.child.kill("SIGKILL");
      await running.exited;
    }
  });
});
