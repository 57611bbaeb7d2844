// Tests that need a machine tool (HAProxy) skip with the reason on a developer's machine, and fail in CI (CI set),
// where a skipped test would hide that the rehearsal was never exercised.
import { spawnSync } from "node:child_process";

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/** undefined when `command args` runs; the reason to skip otherwise (outside CI), or an error (in CI). */
export function missingTool(command: string, args: readonly string[], install: string): string | undefined {
  if (spawnSync(command, args).status === 0) return undefined;
  const reason = `${command} is not installed (${install})`;
  if (isCi()) throw new Error(`${reason}: CI must run these tests, not skip them`);
  console.warn(`skipped: ${reason}`);
  return reason;
}

export const haproxyMissing = () => missingTool("haproxy", ["-v"], "apt-get install haproxy");
