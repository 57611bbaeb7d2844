// The one process runner of the repository's tools: a command run to its end, its output kept and streamed line by
// line, stopped (with what it started, in its own process group) on a timeout or an abort.
import { type ChildProcess, spawn } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each line of stdout and stderr as it arrives (progress of long commands). */
  onLine?: (line: string) => void;
  /**
   * A process group of its own: a timeout or an abort then stops everything it started (pnpm -> turbo -> vitest,
   * a shell -> the engine) and nothing else.
   */
  group?: boolean;
  /** Killed (SIGKILL) when it runs longer; the result then says timedOut. */
  timeoutMs?: number;
  /** Aborting sends SIGTERM. */
  signal?: AbortSignal;
  /** After an abort, SIGKILL when it has not exited within this time (default: SIGTERM only). */
  killAfterMs?: number;
}

export interface RunResult {
  /** null when a signal ended it. */
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
    readonly result: RunResult,
  ) {
    const tail = lastLines(stripAnsi(`${result.stdout}\n${result.stderr}`), 20)
      .map((line) => `  ${line}`)
      .join("\n");
    super(`\`${command.join(" ")}\` ${howItEnded(result)}${tail ? `:\n${tail}` : ""}`);
    this.name = "CommandFailed";
  }
}

function howItEnded(result: RunResult): string {
  if (result.timedOut) return "timed out";
  if (result.exitCode === null) return `was killed (${result.signal})`;
  return `exited with code ${result.exitCode}`;
}

/** Runs a command to its end and measures its wall time; never throws for a non-zero exit (see runChecked). */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    if (options.signal?.aborted) {
      reject(options.signal.reason);
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.group === true,
    });
    const stop = (signal: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (options.group) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop("SIGKILL");
          }, options.timeoutMs);
    let forceKill: NodeJS.Timeout | undefined;
    const onAbort = () => {
      stop("SIGTERM");
      if (options.killAfterMs === undefined) return;
      forceKill = setTimeout(() => stop("SIGKILL"), options.killAfterMs);
      forceKill.unref();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      options.signal?.removeEventListener("abort", onAbort);
    };
    let stdout = "";
    let stderr = "";
    const stdoutLines = new LineSplitter((line) => options.onLine?.(line));
    const stderrLines = new LineSplitter((line) => options.onLine?.(line));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      stdoutLines.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      stderrLines.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      settle();
      reject(error.code === "ENOENT" ? new Error(`\`${command}\` is not installed (not found on PATH)`) : error);
    });
    child.on("close", (exitCode, signal) => {
      settle();
      stdoutLines.end();
      stderrLines.end();
      resolve({ exitCode, signal, stdout, stderr, elapsedMs: performance.now() - started, timedOut });
    });
  });
}

/** Runs a command and throws CommandFailed unless it exits 0 in time. */
export async function runChecked(command: string, args: readonly string[], options: RunOptions = {}) {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0 || result.timedOut) throw new CommandFailed([command, ...args], result);
  return result;
}

/** Resolves with the exit code (or the signal that ended it) once the child has exited. */
export function exitOf(child: ChildProcess): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ exitCode: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
  });
}

/** Splits a stream of text chunks into whole lines. */
export class LineSplitter {
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.pending + chunk).split(/\r?\n/);
    this.pending = parts.pop() ?? "";
    for (const line of parts) this.onLine(line);
  }

  end(): void {
    if (this.pending.length > 0) this.onLine(this.pending);
    this.pending = "";
  }
}

/**
 * A long-running child's output (stdout and stderr), line by line to `onLine`; the last `capacity` lines are kept for
 * error messages.
 */
export function followOutput(
  child: { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream },
  onLine: ((line: string) => void) | undefined,
  capacity = 50,
): RecentLines {
  const recent = new RecentLines(capacity);
  for (const stream of [child.stdout, child.stderr]) {
    const splitter = new LineSplitter((line) => {
      recent.add(line);
      onLine?.(line);
    });
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => splitter.push(chunk));
    stream.on("end", () => splitter.end());
  }
  return recent;
}

/** Keeps the last `capacity` lines of an output, for error messages. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
  }

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  list(): string[] {
    return [...this.lines];
  }
}

/** The last `count` lines that say something (blank lines dropped). */
export function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .slice(-count);
}

/** Removes terminal colour and cursor escapes (CSI sequences), which tools print even into a pipe. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is being removed.
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

/** Settles with the promise's value, or with "timeout" after `ms`; the timer never outlives the race. */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
