// Invokes a function's bundled handler in a process of its own, as Lambda would: the function's environment only
// (no variable of this machine leaks in but PATH and locale), placeholder credentials, and the time it is given.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "@repo/devkit/process";
import type { HookFunction } from "../hook-function.ts";

const RUNNER = fileURLToPath(new URL("./runner.ts", import.meta.url));

/** Credentials the AWS SDK signs with; the only endpoint they reach is the rehearsal's own. */
export const PLACEHOLDER_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIAREHEARSAL0000000",
  AWS_SECRET_ACCESS_KEY: "rehearsal-placeholder-secret-access-key",
  AWS_SESSION_TOKEN: "rehearsal-placeholder-session-token",
} as const;

export interface Invocation {
  fn: HookFunction;
  event: unknown;
  /** What Lambda or the test adds to the function's environment (region, endpoint overrides). */
  extraEnvironment: Record<string, string>;
  onLine: (line: string) => void;
  /** Aborting ends the invocation (SIGTERM, then SIGKILL after a second). */
  signal?: AbortSignal;
}

export type InvocationOutcome =
  | { ok: true; result: unknown; durationMs: number }
  | { ok: false; error: string; durationMs: number };

export async function invokeFunction(invocation: Invocation): Promise<InvocationOutcome> {
  const { fn } = invocation;
  const dir = await mkdtemp(path.join(tmpdir(), "rehearse-lambda-"));
  try {
    const resultFile = path.join(dir, "result.json");
    const eventFile = path.join(dir, "event.json");
    await writeFile(eventFile, JSON.stringify(invocation.event));
    const timeoutMs = fn.timeoutSeconds * 1000;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LANG: process.env.LANG ?? "C.UTF-8",
      ...fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      ...PLACEHOLDER_CREDENTIALS,
      // No shared config or credentials file, no instance metadata: nothing but the variables above.
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
      // Any AWS call the rehearsal does not stand in for goes to a closed loopback port.
      AWS_ENDPOINT_URL: "http://127.0.0.1:1",
      ...invocation.extraEnvironment,
    };
    const result = await runCommand(
      process.execPath,
      // Node's own type stripping runs the runner. The runner ends with process.exit() (the SDK's keep-alive sockets
      // stay open), which can deadlock in Node 24 while V8 compiles or collects on a background thread
      // (nodejs/node#64274): with V8 on one thread there is none, and no invocation waits out its timeout for it.
      ["--single-threaded", RUNNER, fn.code.file, fn.code.exportName, eventFile, resultFile, String(timeoutMs)],
      {
        cwd: path.dirname(fn.code.file),
        env,
        onLine: invocation.onLine,
        // Lambda ends an invocation at the function's timeout.
        timeoutMs: timeoutMs + 2_000,
        ...(invocation.signal ? { signal: invocation.signal, killAfterMs: 1_000 } : {}),
      },
    );
    invocation.signal?.throwIfAborted();
    const outcome = await readFile(resultFile, "utf8").then(
      (text) => JSON.parse(text) as { ok: true; result: unknown } | { ok: false; error: string },
      () => undefined,
    );
    if (!outcome) {
      const how = result.timedOut ? `timed out after ${fn.timeoutSeconds} s` : `exited with code ${result.exitCode}`;
      return { ok: false, error: `the invocation ${how} without a result`, durationMs: result.elapsedMs };
    }
    return { ...outcome, durationMs: result.elapsedMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
