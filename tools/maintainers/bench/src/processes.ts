import { type RunOptions, runChecked as runCheckedKit, runCommand as runCommandKit } from "@repo/devkit/process";
import type { Cleanup } from "./cleanup.ts";

export interface CommandOptions extends Omit<RunOptions, "group" | "signal"> {
  /** Where an interrupted run finds the command to stop it. */
  cleanup?: Cleanup;
}

/**
 * Runs a command to completion and measures its wall time, in a process group of its own: an interrupt or a
 * timeout stops it with everything it started (pnpm -> turbo -> vitest) and nothing else.
 */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}) {
  return stoppable(runCommandKit, command, args, options);
}

/** Runs a command as runCommand does and throws CommandFailed unless it exits 0 in time. */
export function runChecked(command: string, args: readonly string[], options: CommandOptions = {}) {
  return stoppable(runCheckedKit, command, args, options);
}

function stoppable(
  run: typeof runCommandKit,
  command: string,
  args: readonly string[],
  { cleanup, ...options }: CommandOptions,
) {
  const stop = new AbortController();
  const registered = cleanup?.add(`stop ${command} ${args.join(" ")}`, () => stop.abort());
  return run(command, args, { ...options, group: true, signal: stop.signal }).finally(() => registered?.forget());
}
