import { type ChildProcess, spawn } from "node:child_process";

/** A command that failed, with what it printed last (the engine's own explanation is usually there). */
export class CommandError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    const tail = lastLines(output, 15);
    super(
      `\`${command.join(" ")}\` ${exitCode === null ? "was killed" : `exited with code ${exitCode}`}` +
        (tail.length > 0 ? `:\n${tail.map((line) => `  ${line}`).join("\n")}` : ""),
    );
    this.name = "CommandError";
  }
}

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Called with each line of stdout and stderr as it arrives (progress of long commands). */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills the command (SIGKILL) when it runs longer; its exit code is then null. */
  timeoutMs?: number;
}

/** Runs a command to completion; never throws for a non-zero exit (see `runChecked`). */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}) {
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
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
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? new Error(`\`${command}\` is not installed (not found on PATH)`) : error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      stdoutLines.end();
      stderrLines.end();
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** Runs a command and throws a CommandError (with its last output lines) unless it exits 0. */
export async function runChecked(command: string, args: readonly string[], options: CommandOptions = {}) {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0) {
    throw new CommandError([command, ...args], result.exitCode, `${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Resolves with the exit code (or null when killed by a signal) once the child has exited. */
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

/** Keeps the last `capacity` lines of a container's output for error messages. */
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

export function lastLines(text: string, count: number): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  return lines.slice(-count);
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
