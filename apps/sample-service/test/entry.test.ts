import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CONFIG } from "../src/config.ts";
import { get, HEALTH } from "./helpers.ts";
import { bundleAlone, listening, parsed, run, tsxEntry } from "./processes.ts";

const REPORT_EXIT = fileURLToPath(new URL("./support/report-process-exit.mjs", import.meta.url));

// The real entry point as its own process: the TypeScript source through tsx, and the esbuild bundle run from a
// folder with no node_modules anywhere above it, the way the container runs it.

describe("src/server.ts as a process", () => {
  // Ending by itself, not by process.exit(): that can deadlock in Node 24 (see src/server.ts); the preload would add
  // a line to the messages below.
  it.each(["SIGTERM", "SIGINT"] as const)(
    "starts with PORT=0, serves, and ends by itself with 0 on %s",
    async (signal) => {
      const running = run(["--import", REPORT_EXIT, ...tsxEntry], { PORT: "0", SERVICE_VERSION: "entry-test" });
      const port = await listening(running);
      const root = await get(port, "/");
      expect(JSON.parse(root.body)).toMatchObject({ version: "entry-test" });

      running.child.kill(signal);
      expect(await running.exited).toEqual({ code: 0, signal: null });
      const messages = parsed(running).map((line) => line.msg);
      expect(messages).toEqual(["listening", "request completed", "shutting down", "shutdown complete"]);
      expect(running.lines.join("\n")).toContain(`"reason":"${signal}"`);
    },
  );

  it("exits with EX_CONFIG and one message naming each bad variable", async () => {
    const running = run(tsxEntry, { PORT: "eighty", KEEP_ALIVE_TIMEOUT_MS: "5000" });
    expect(await running.exited).toEqual({ code: EXIT_CONFIG, signal: null });
    expect(running.lines).toHaveLength(1);
    const line = JSON.parse(running.lines[0] ?? "{}") as { level: string; msg: string };
    expect(line.level).toBe("fatal");
    expect(line.msg).toMatch(
      /^Invalid configuration \(2 problems\): PORT must .*"eighty".*; KEEP_ALIVE_TIMEOUT_MS must /,
    );
  });
});

describe("the bundle (dist/server.js) without node_modules", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await bundleAlone();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("starts, serves every kind of route, and exits 0 on SIGTERM", async () => {
    const running = run(["server.js"], { PORT: "0", SERVICE_VERSION: "bundle-test" }, dir);
    const port = await listening(running);
    expect((await get(port, HEALTH)).status).toBe(200);
    expect(JSON.parse((await get(port, "/")).body)).toMatchObject({ version: "bundle-test" });
    expect((await get(port, "/greetings/unknown")).status).toBe(404);
    const created = await fetch(`http://127.0.0.1:${port}/greetings`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify({ name: "Bundle" }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ message: "Hello, Bundle!" });
    const invalid = await fetch(`http://127.0.0.1:${port}/greetings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: 7 }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { message: "name: must be a string" } });

    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });
});
