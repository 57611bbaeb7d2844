// Running a built CLI the way a clean build host would, for the tests of the bundled AWS CLIs: an environment that
// can reach nothing but what the test points the program at.
import { execFile } from "node:child_process";
import { join } from "node:path";

export interface IsolatedResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface IsolatedOptions {
  cwd: string;
  /** The program's whole environment besides PATH, HOME and the AWS isolation below. */
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/**
 * Runs `program` from `cwd` with exactly `env` (plus PATH): no inherited AWS settings, no AWS config or credentials
 * files (HOME is `cwd`), instance metadata disabled. Resolves with the exit code (1 when killed) and both outputs.
 */
export function runIsolated(
  program: string,
  args: readonly string[],
  options: IsolatedOptions,
): Promise<IsolatedResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: options.cwd,
    AWS_CONFIG_FILE: join(options.cwd, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(options.cwd, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile(
      program,
      [...args],
      { cwd: options.cwd, env, uid: options.uid, gid: options.gid, timeout: options.timeoutMs ?? 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
