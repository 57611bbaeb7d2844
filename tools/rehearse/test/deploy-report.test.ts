import { describe, expect, it } from "vitest";
import type { DeployRehearsal } from "../src/deploy/rehearse-deploy.ts";
import { formatDeploySummary } from "../src/deploy/report.ts";
import { targetHealthCheck } from "./support/target-health.ts";

const stop = { exitCode: 0, elapsedMs: 120, timedOut: false };

function result(overrides: Partial<DeployRehearsal> = {}): DeployRehearsal {
  return {
    service: "orders",
    engine: "ecs",
    explanation: "linear, 2 steps of 50% with 1 min between them, then 1 min bake time",
    timeScale: 60,
    outcome: "succeeded",
    breaks: undefined,
    reason: undefined,
    exitCode: 0,
    images: { blue: "r/orders@sha256:a", green: "r/orders@sha256:a" },
    tasksPerSet: 2,
    loadBalancer: { haproxy: "2.6.12", production: "http://127.0.0.1:1", test: "http://127.0.0.1:2" },
    steps: [{ name: "PRODUCTION_TRAFFIC_SHIFT 50%", startSeconds: 20, seconds: 1, detail: "production: 50% green" }],
    traffic: {
      sent: 400,
      failed: 0,
      failures: {},
      steps: [{ step: "PRODUCTION_TRAFFIC_SHIFT 50%", sent: 200, failed: 0, blue: 101, green: 99 }],
      seconds: 2,
    },
    during: { sent: 300, failed: 0 },
    stops: [{ name: "blue-1", side: "blue", stop }],
    totalSeconds: 30,
    settings: {
      healthCheck: targetHealthCheck("/live"),
      deregistrationDelaySeconds: 25,
      healthCheckGracePeriodSeconds: 30,
      task: { user: "1000", readOnlyRootFilesystem: true, stopTimeoutSeconds: 30, containerPort: 3100, fields: [] },
      hook: "bluegreen-orders-test-traffic-hook",
      containerEngine: "buildah",
    },
    ...overrides,
  };
}

describe("formatDeploySummary", () => {
  it("says the verdict, the settings played, each step with its traffic, and how the tasks stopped", () => {
    const text = formatDeploySummary(result());
    expect(text.split("\n")[0]).toBe(
      "Rehearsal of orders's Deploy stage (ECS blue/green: linear, 2 steps of 50% with 1 min between them, then 1 min bake time; waits ÷ 60): SUCCEEDED",
    );
    expect(text).toContain(
      "GET /live every 5 s, timeout 4 s, healthy after 2, unhealthy after 2 (matcher 200); deregistration delay 25 s",
    );
    expect(text).toContain("400 sent in 2.0 s, 300 of them during the deployment; 0 failed");
    expect(text).toContain("PRODUCTION_TRAFFIC_SHIFT 50%: production: 50% green [200 sent, 0 failed, 50% green]");
    expect(text).toContain("blue-1 exited 0 0.1 s after SIGTERM");
    expect(text).toMatch(/total +30\.0 s, exit code 0$/);
  });

  it("puts the break and the reason first, and lists the failures", () => {
    const text = formatDeploySummary(
      result({
        outcome: "failed",
        breaks: "health",
        reason: "3 of 400 requests failed (3 × HTTP 502)",
        exitCode: 5,
        traffic: { ...result().traffic, failed: 3, failures: { "HTTP 502": 3 } },
      }),
    );
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/: FAILED$/);
    expect(lines[1]).toMatch(/^ {2}--break +health: the green tasks get HEALTH_CHECK_PATH=/);
    expect(lines[2]).toMatch(/^ {2}reason +3 of 400 requests failed/);
    expect(text).toContain("3 failed (3 × HTTP 502)");
  });
});
