import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { Cleanup } from "./cleanup.ts";
import { freePort, waitFor200 } from "./http.ts";

export interface ServerProcessOptions {
  /** The bundled server (one .js file), run with this Node. */
  file: string;
  env: Readonly<Record<string, string>>;
  /** stdout and stderr go here: a file costs the server what a log pipe costs it, and keeps the lines. */
  logFile: string;
  cleanup: Cleanup;
  healthPath: string;
  healthTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() of the exit. */
  at: number;
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** performance.now() just before the process was spawned. */
  readonly spawnedAt: number;
  /** performance.now() of the first 200 on the health path. */
  readonly healthyAt: number;
  readonly exited: Promise<Exit>;
  /** Peak resident set size so far (VmHWM), in bytes; null where /proc is not available. */
  peakRssBytes(): number | null;
  /** Sends `signal`; SIGKILL when the process is still running after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit & { killed: boolean }>;
  logTail(lines?: number): string[];
}

/** Starts a Node server on a free port and resolves once its health path answers 200. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const log = openSync(options.logFile, "a");
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [options.file], {
    env: { PATH: process.env.PATH ?? "", ...options.env, PORT: String(port) },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.file}`);
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const registered = options.cleanup.add(`stop server ${pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  void exited.then(() => registered.forget());

  const logTail = (lines = 20) => {
    try {
      return readFileSync(options.logFile, "utf8").trimEnd().split("\n").slice(-lines);
    } catch {
      return [];
    }
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  let healthyAt: number;
  try {
    healthyAt = await waitFor200(`${baseUrl}${options.healthPath}`, {
      timeoutMs: options.healthTimeoutMs ?? 30_000,
      exited,
    });
  } catch (error) {
    await registered.run();
    throw new Error(
      `${(error as Error).message}\n  last output:\n${logTail(10)
        .map((l) => `    ${l}`)
        .join("\n")}`,
    );
  }

  return {
    pid,
    port,
    baseUrl,
    spawnedAt,
    healthyAt,
    exited,
    peakRssBytes: () => peakRss(pid),
    async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve(true);
          }, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return { ...(await exited), killed };
    },
    logTail,
  };
}

/** VmHWM of /proc/<pid>/status: the most memory the process has had resident. */
export function peakRss(pid: number): number | null {
  try {
    return parseVmHwm(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return null;
  }
}

export function parseVmHwm(status: string): number | null {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] ? Number(match[1]) * 1024 : null;
}
