import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "../scripts/build.ts";
import { EXIT_CONFIG } from "../src/config.ts";
import { get, HEALTH } from "./helpers.ts";

// The real entry point as its own process: the TypeScript source through tsx, and the esbuild bundle run from a
// folder with no node_modules anywhere above it, the way the container runs it.

const serviceDir = fileURLToPath(new URL("..", import.meta.url));

interface Running {
  child: ChildProcess;
  /** Every stdout and stderr line so far. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string>, cwd = serviceDir): Running {
  const { NODE_OPTIONS: _options, NODE_PATH: _path, ...inherited } = process.env;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...inherited, NODE_ENV: "production", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (line) => lines.push(line));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

/** Waits for the "listening" line and returns the port it names. */
async function listening(running: Running): Promise<number> {
  for (;;) {
    const line = running.lines.find((l) => l.includes('"msg":"listening"'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    const exited = await Promise.race([running.exited, new Promise((r) => setTimeout(r, 25, undefined))]);
    if (exited) throw new Error(`exited before listening: ${JSON.stringify(exited)}\n${running.lines.join("\n")}`);
  }
}

const tsxEntry = ["--import", "tsx", "src/server.ts"];

describe("src/server.ts as a process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("starts with PORT=0, serves, and exits 0 on %s", async (signal) => {
    const running = run(tsxEntry, { PORT: "0", SERVICE_VERSION: "entry-test" });
    const port = await listening(running);
    const root = await get(port, "/");
    expect(JSON.parse(root.body)).toMatchObject({ version: "entry-test" });

    running.child.kill(signal);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    const messages = running.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(["listening", "request completed", "shutting down", "shutdown complete"]);
    expect(running.lines.join("\n")).toContain(`"reason":"${signal}"`);
  });

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
    // Bundled into a temporary folder: no node_modules next to it or above it.
    const built = mkdtempSync(path.join(tmpdir(), "service-bundle-"));
    await bundle(path.join(built, "build", "server.js"));
    dir = mkdtempSync(path.join(tmpdir(), "service-runtime-"));
    for (const file of ["server.js", "server.js.map"])
      copyFileSync(path.join(built, "build", file), path.join(dir, file));
    rmSync(built, { recursive: true, force: true });
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

  it("validates its configuration too", async () => {
    const running = run(["server.js"], { LOG_LEVEL: "chatty" }, dir);
    expect(await running.exited).toEqual({ code: EXIT_CONFIG, signal: null });
    expect(running.lines.join("\n")).toContain("LOG_LEVEL must be one of");
  });
});
