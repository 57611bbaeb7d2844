import type { ServiceDeployment } from "@aws-sdk/client-ecs";
import { describeProgress, hasEnded } from "./deployment.ts";
import type { Ecs } from "./ecs.ts";
import { type Clock, DEADLINE, formatDuration, type Poller } from "./poller.ts";

export type FollowResult =
  | { ended: true; deployment: ServiceDeployment }
  /** The deadline came first; `deployment` is the last state seen (undefined if none was). */
  | { ended: false; deployment: ServiceDeployment | undefined };

export interface FollowSettings {
  ecs: Ecs;
  poller: Poller;
  clock: Clock;
  log: (line: string) => void;
  /** A line is printed at least this often while nothing changes, so a long bake time is not silent. */
  heartbeatMs: number;
}

/**
 * Polls one service deployment until ECS ends it or the deadline comes, printing each change of its progress.
 * `first` is a state of it the caller has just read, taken as the first poll.
 */
export async function followDeployment(
  arn: string,
  settings: FollowSettings,
  first?: ServiceDeployment,
): Promise<FollowResult> {
  const { ecs, poller, clock, log, heartbeatMs } = settings;
  let last: ServiceDeployment | undefined;
  let lastLine = "";
  let lastChange = clock.now();
  let lastPrint = lastChange;
  let next = first;
  for (;;) {
    const deployment =
      next ??
      (await poller.ask(
        () => ecs.describeServiceDeployment(arn),
        () => lastSeen(arn, last),
      ));
    next = undefined;
    if (deployment === DEADLINE) return { ended: false, deployment: last };
    last = deployment;
    const line = describeProgress(deployment);
    const now = clock.now();
    if (line !== lastLine) {
      log(line);
      lastLine = line;
      lastChange = lastPrint = now;
    } else if (now - lastPrint >= heartbeatMs) {
      log(`${line} (unchanged for ${formatDuration(now - lastChange)})`);
      lastPrint = now;
    }
    if (hasEnded(deployment)) return { ended: true, deployment };
    // The poll after the sleep that reaches the deadline is the last one.
    if (!(await poller.pause())) return { ended: false, deployment };
  }
}

export function lastSeen(arn: string, deployment: ServiceDeployment | undefined): string {
  return deployment
    ? `service deployment ${arn} was last seen ${describeProgress(deployment)}, and ECS carries on with it`
    : `service deployment ${arn} could not be read, and ECS carries on with it`;
}
