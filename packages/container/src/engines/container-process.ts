// What both engines share: the end of their build command line, and what they do with the process a running
// container is seen through (collect its output, wait for its exit after the stop signal).
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { followOutput, type RecentLines, raceTimeout } from "@repo/devkit/process";
import type { BuildRequest, RunRequest, StopResult } from "./types.ts";

/** What both engines' build commands end with: the cache choice, the Dockerfile, the tag, build args, context. */
export function buildRequestArgs(request: BuildRequest): string[] {
  return [
    ...(request.noCache ? ["--no-cache"] : []),
    "--file",
    request.dockerfile,
    "--tag",
    request.tag,
    ...Object.entries(request.buildArgs).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]),
    request.contextDir,
  ];
}

/** The container's output, line by line, to `request.onLine`; the last 50 lines are kept for error messages. */
export function collectOutput(child: ChildProcessByStdio<null, Readable, Readable>, request: RunRequest): RecentLines {
  return followOutput(child, request.onLine);
}

/**
 * After the stop signal (sent at `signalledAt`): the exit code when the container exits within `timeoutMs`;
 * otherwise `kill` (what ECS does after stopTimeout) and a timed-out result.
 */
export async function awaitStop(
  exited: Promise<number | null>,
  signalledAt: number,
  timeoutMs: number,
  kill: () => unknown,
): Promise<StopResult> {
  const outcome = await raceTimeout(exited, timeoutMs);
  if (outcome === "timeout") {
    await kill();
    await exited;
    return { exitCode: null, elapsedMs: performance.now() - signalledAt, timedOut: true };
  }
  return { exitCode: outcome, elapsedMs: performance.now() - signalledAt, timedOut: false };
}
