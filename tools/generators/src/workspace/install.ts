import { lastLines, runCommand } from "@repo/devkit/process";
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
 * This process's environment without the reporter `pnpm --silent` (`-s`) sets for its scripts: the install's child
 * pnpm would inherit it and print nothing, and a failure would then be reported without its cause.
 */
function installEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { npm_config_reporter: _silent, ...rest } = env;
  return rest;
}

/**
 * Links the workspace's packages: `pnpm install --offline` first (everything a derived package needs is already in
 * the store), then a plain `pnpm install` if the store lacks something. Throws with the end of pnpm's output.
 */
export async function installWorkspace(root: string): Promise<InstallResult> {
  const failures: string[] = [];
  for (const args of ATTEMPTS) {
    const command = `pnpm ${args.join(" ")}`;
    const result = await runCommand("pnpm", args, { cwd: root, env: installEnvironment() }).catch((error: Error) => ({
      exitCode: null,
      signal: null,
      stdout: error.message,
      stderr: "",
    }));
    if (result.exitCode === 0) return { command };
    const code = result.exitCode ?? result.signal ?? "error";
    const output = lastLines(`${result.stdout}\n${result.stderr}`, 15).map((line) => `    ${line}`);
    failures.push(`${command} exited with ${code}:\n${output.join("\n")}`);
  }
  throw new GeneratorError(failures.join("\n"));
}
