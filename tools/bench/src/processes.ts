import { spawn } from "node:child_process";
import type { Cleanup } from "./cleanup.ts";
import { stripAnsi } from "./text.ts";

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each output line (stdout and stderr) as it arrives. */
  onLine?: (line: string) => void;
  /** Where an interrupted run finds the command to stop it. */
  cleanup?: Cleanup;
  /** Stops the command (its whole process group) when it runs longer. */
  timeoutMs?: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  timedOut: boolean;
}

/** A command that did not exit 0, with its last output lines (the tool's own explanation is usually there). */
export class CommandFailed extends Error {
  constructor(
    readonly command: readonly string[],
    readonly result: CommandResult,
  ) {
    const tail = stripAnsi(`${result.stdout}\n${result.stderr}`)
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .slice(-20)
      .map((line) => `  ${line}`)
      .join("\n");
    const how = result.timedOut
      ? "timed out"
      : result.exitCode === null
        ? `was killed (${result.signal})`
        : `exited with code ${result.exitCode}`;
    super(`\`${command.join(" ")}\` ${how}${tail ? `:\n${tail}` : ""}`);
    this.name = "CommandFailed";
  }
}

/**
 * Runs a command to completion and measures its wall time. It gets its own process group, so an interrupt or a
 * timeout stops it with everything it started (pnpm -> turbo -> vitest) and nothing else.
 */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}) {
  return new Promise<CommandResult>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const stopGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const registered = options.cleanup?.add(`stop ${command} ${args.join(" ")}`, () => stopGroup("SIGTERM"));
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stopGroup("SIGKILL");
          }, options.timeoutMs);
    let stdout = "";
    let stderr = "";
    const split = lineSplitter((line) => options.onLine?.(line));
    const splitErr = lineSplitter((line) => options.onLine?.(line));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      split.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      splitErr.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      registered?.forget();
      reject(error.code === "ENOENT" ? new Error(`\`${command}\` is not installed (not found on PATH)`) : error);
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      split.end();
      splitErr.end();
      // Nothing left to stop.
      registered?.forget();
      resolve({ exitCode, signal, stdout, stderr, elapsedMs: performance.now() - started, timedOut });
    });
  });
}

/** Runs a command and throws `CommandFailed` unless it exits 0. */
export async function runChecked(command: string, args: readonly string[], options: CommandOptions = {}) {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0 || result.timedOut) throw new CommandFailed([command, ...args], result);
  return result;
}

function lineSplitter(onLine: (line: string) => void) {
  let pending = "";
  return {
    push(chunk: string) {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? "";
      for (const line of parts) onLine(line);
    },
    end() {
      if (pending) onLine(pending);
      pending = "";
    },
  };
}
