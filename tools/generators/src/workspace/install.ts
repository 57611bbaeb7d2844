import { spawn } from "node:child_process";
import { GeneratorError } from "../errors.ts";

/** Set to 1 (or pass --skip-install to `pnpm plop`) to leave `pnpm install` to the user. */
export const SKIP_INSTALL_ENV = "PLOP_SKIP_INSTALL";

export function installSkipped(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[SKIP_INSTALL_ENV]?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

export interface InstallResult {
  /** The command that succeeded. */
  command: string;
}

// The lockfile must change (a new importer, renamed packages): never frozen, even where CI=true makes it the default.
const ATTEMPTS: readonly (readonly string[])[] = [
  ["install", "--offline", "--no-frozen-lockfile"],
  ["install", "--no-frozen-lockfile"],
];

/**
 * Links the workspace's packages: `pnpm install --offline` first (everything a derived package needs is already in
 * the store), then a plain `pnpm install` if the store lacks something. Throws with the end of pnpm's output.
 */
export async function installWorkspace(root: string): Promise<InstallResult> {
  const failures: string[] = [];
  for (const args of ATTEMPTS) {
    const command = `pnpm ${args.join(" ")}`;
    const result = await run("pnpm", args, root);
    if (result.code === 0) return { command };
    failures.push(`${command} exited with ${result.code}:\n${tail(result.output, 15)}`);
  }
  throw new GeneratorError(failures.join("\n"));
}

interface RunResult {
  code: number | string;
  output: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ code: error.code ?? "error", output: error.message }),
    );
    child.on("close", (code, signal) => resolve({ code: code ?? signal ?? "unknown", output }));
  });
}

function tail(text: string, lines: number): string {
  return text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join("\n");
}
