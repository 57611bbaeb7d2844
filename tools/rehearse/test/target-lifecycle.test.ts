// waitHealthy's verdict on a target that never passes, from a scripted sequence of checks (the real HAProxy's checks
// are deploy-load-balancer.test.ts's; which of them comes last is up to the machine's load, so it is scripted here).
import { describe, expect, it } from "vitest";
import type { LoadBalancer, TargetState } from "../src/deploy/load-balancer.ts";
import { HealthCheckFailure, waitHealthy } from "../src/deploy/target-lifecycle.ts";
import type { TaskSet } from "../src/deploy/task-set.ts";
import type { HealthCheck, ServiceTopology } from "../src/deploy/topology.ts";

const CHECK: HealthCheck = {
  path: "/health",
  intervalSeconds: 1,
  timeoutSeconds: 1,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: "200",
};
const GRACE_SECONDS = 0.5;
const topology = {
  healthCheckGracePeriodSeconds: GRACE_SECONDS,
  targetGroups: { green: { healthCheck: CHECK } },
} as unknown as ServiceTopology;
const taskSet = { side: "green", exitedTask: () => undefined } as unknown as TaskSet;

/** A balancer whose green target reports these checks, one per look, the last one from then on. */
function scriptedBalancer(checks: string[]): LoadBalancer {
  let look = 0;
  const targets = async (): Promise<TargetState[]> => {
    const check = checks[Math.min(look++, checks.length - 1)] as string;
    return [{ slot: "green-1", state: "unhealthy", check }];
  };
  return { targets } as unknown as LoadBalancer;
}

async function verdict(checks: string[]): Promise<string> {
  const failure = await waitHealthy(scriptedBalancer(checks), taskSet, topology, performance.now(), undefined).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(HealthCheckFailure);
  return (failure as Error).message;
}

describe("waitHealthy on a target that never passes its checks", () => {
  it("names the last answer the service gave, and the check that came after it", async () => {
    expect(await verdict(["L7STS 404", "L4TOUT"])).toBe(
      `target green-1 is unhealthy after the ${GRACE_SECONDS} s health check grace period: GET /health gave L7STS 404 (the matcher wants 200); its last check: L4TOUT`,
    );
  });

  it("names the last check alone when it is the last answer, or when the service never answered", async () => {
    expect(await verdict(["L4CON", "L7STS 500"])).toMatch(/GET \/health gave L7STS 500 \(the matcher wants 200\)$/);
    expect(await verdict(["L4CON"])).toMatch(/GET \/health gave L4CON \(the matcher wants 200\)$/);
  });
});
