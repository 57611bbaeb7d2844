import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { bundle } from "../scripts/build.ts";

// The service as its own process: the TypeScript entry through tsx, or the esbuild bundle run from a folder with no
// node_modules anywhere above it, the way the container runs it.

export const serviceDir = fileURLToPath(new URL("..", import.meta.url));
export const tsxEntry = ["--import", "tsx", "src/server.ts"];

export interface Running {
  child: ChildProcess;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** Resolves once the process has exited and its output has been read to the end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function run(args: string[], env: Record<string, string>, cwd = serviceDir): Running {
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
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

/** Waits until a line contains `text` and returns it parsed. */
export async function lineWith(running: Running, text: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = running.lines.find((l) => l.includes(text));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    const exited = await Promise.race([running.exited, new Promise((r) => setTimeout(r, 25, undefined))]);
    if (exited) throw new Error(`exited before ${text}: ${JSON.stringify(exited)}\n${running.lines.join("\n")}`);
  }
}

/** Waits for the "listening" line and returns the port it names. */
export async function listening(running: Running): Promise<number> {
  return (await lineWith(running, '"msg":"listening"')).port as number;
}

/** Every line, parsed (each line the service writes is JSON). */
export function parsed(running: Running): { msg: string; [field: string]: unknown }[] {
  return running.lines.map((line) => JSON.parse(line) as { msg: string; [field: string]: unknown });
}

/** Bundles the service (scripts/build.ts) into a fresh folder with nothing else in it; returns the folder. */
export async function bundleAlone(): Promise<string> {
  const built = mkdtempSync(path.join(tmpdir(), "service-bundle-"));
  await bundle(path.join(built, "build", "server.js"));
  const dir = mkdtempSync(path.join(tmpdir(), "service-runtime-"));
  for (const file of ["server.js", "server.js.map"])
    copyFileSync(path.join(built, "build", file), path.join(dir, file));
  rmSync(built, { recursive: true, force: true });
  return dir;
}
