// A task set's targets as the target group sees them: healthy (or not) after registration, drained and deregistered.
import { setTimeout as sleep } from "node:timers/promises";
import type { LoadBalancer } from "./load-balancer.ts";
import type { TaskSet } from "./task-set.ts";
import type { ServiceTopology } from "./topology.ts";

/** The task set did not become healthy: the deployment fails. */
export class HealthCheckFailure extends Error {}

/**
 * Until every target of the task set passes its target group's checks. ECS ignores the target group's verdict during
 * the health check grace period; a target unhealthy after it would be replaced (the deployment fails: the circuit
 * breaker, or CodeDeploy's Install never completing). A target still not healthy when the checks should long have
 * passed, or a task that exits, fails too.
 */
export async function waitHealthy(
  balancer: LoadBalancer,
  taskSet: TaskSet,
  topology: ServiceTopology,
  registeredAt: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const check = topology.targetGroups[taskSet.side].healthCheck;
  const graceMs = topology.healthCheckGracePeriodSeconds * 1000;
  const limitMs =
    Math.max(graceMs, check.healthyThreshold * check.intervalSeconds * 1000) +
    (check.unhealthyThreshold * check.intervalSeconds + check.timeoutSeconds) * 1000;
  // Each target's last check that the service answered (HAProxy's L7 statuses): on a loaded machine the check just
  // before the verdict may have timed out instead, which says less about what is wrong.
  const lastAnswer = new Map<string, string>();
  for (;;) {
    signal?.throwIfAborted();
    const exited = taskSet.exitedTask();
    if (exited) {
      throw new HealthCheckFailure(
        `task ${exited.name} exited (code ${exited.exitCode}) before it was healthy; its last output:\n    ${exited.logs.slice(-10).join("\n    ")}`,
      );
    }
    const targets = await balancer.targets(taskSet.side);
    for (const target of targets) if (target.check.startsWith("L7")) lastAnswer.set(target.slot, target.check);
    if (targets.every((target) => target.state === "healthy")) return;
    const elapsed = performance.now() - registeredAt;
    const unhealthy = targets.find((target) => target.state === "unhealthy");
    if (unhealthy && elapsed >= graceMs) {
      const answer = lastAnswer.get(unhealthy.slot) ?? unhealthy.check;
      const last = answer === unhealthy.check ? "" : `; its last check: ${unhealthy.check}`;
      throw new HealthCheckFailure(
        `target ${unhealthy.slot} is unhealthy after the ${topology.healthCheckGracePeriodSeconds} s health check grace period: GET ${check.path} gave ${answer} (the matcher wants ${check.matcher})${last}`,
      );
    }
    if (elapsed >= limitMs) {
      throw new HealthCheckFailure(
        `${targets
          .filter((target) => target.state !== "healthy")
          .map((target) => `${target.slot} (${target.state}, ${target.check})`)
          .join(", ")} not healthy within ${(limitMs / 1000).toFixed(0)} s`,
      );
    }
    await sleep(200);
  }
}

/**
 * Deregistration: the targets drain (no new requests; those on their way finish) until none is in flight or the
 * deregistration delay is over, as the target group completes it; then they leave the target group.
 */
export async function retire(balancer: LoadBalancer, taskSet: TaskSet, delaySeconds: number): Promise<string> {
  const started = performance.now();
  const indexes = taskSet.tasks.map((_, index) => index);
  for (const index of indexes) await balancer.drain(taskSet.side, index);
  let quiet = 0;
  while (performance.now() - started < delaySeconds * 1000) {
    const inFlight = await Promise.all(indexes.map((index) => balancer.activeRequests(taskSet.side, index)));
    quiet = inFlight.every((count) => count === 0) ? quiet + 1 : 0;
    // Two quiet looks in a row: nothing is on its way, so the target group completes the deregistration early.
    if (quiet >= 2) break;
    await sleep(100);
  }
  for (const index of indexes) await balancer.deregister(taskSet.side, index);
  const seconds = (performance.now() - started) / 1000;
  return quiet >= 2
    ? `deregistered after ${seconds.toFixed(1)} s: no request in flight, so the ${delaySeconds} s deregistration delay ended early`
    : `deregistered after the ${delaySeconds} s deregistration delay`;
}
