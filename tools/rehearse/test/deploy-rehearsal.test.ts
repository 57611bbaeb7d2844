// The Deploy rehearsal end to end, both engines, success and rollback: the stacks really synthesized, the artifacts
// really rendered, real HAProxy, the hooks' bundled code with the real AWS SDK against the loopback CodeDeploy, and a
// load generator throughout. The tasks are plain Node processes of the sample service's bundle (test/support/
// process-launcher.ts): they honour the task definition's environment, port and stop timeout, not its image, user or
// read-only root. The container path (image, user, read-only root) is .ci/run's `pnpm rehearse --deploy` run. Both
// repositories' stacks are synthesized once for the run (support/shared-assemblies.ts; the synth itself: deploy-plan.test.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type Break, DEPLOY_EXIT } from "../src/deploy/deployment.ts";
import { type DeployRehearsal, rehearseDeploy } from "../src/deploy/rehearse-deploy.ts";
import { renderArtifacts } from "./support/artifacts.ts";
import { processLauncher } from "./support/process-launcher.ts";
import { assemblies, INFRA_DIR, REPO_ROOT } from "./support/repo-copy.ts";
import { haproxyMissing } from "./support/tools.ts";

const skip = haproxyMissing();
const work = mkdtempSync(path.join(tmpdir(), "rehearse-deploy-test-"));
const launcher = processLauncher(REPO_ROOT, path.join(work, "launcher"));
const shared = inject("shared");
const assembly = assemblies(work, shared.assemblies);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function rehearse(
  name: string,
  repoRoot: string,
  breaks: Break | undefined,
): Promise<{ result: DeployRehearsal; log: string }> {
  const artifactsDir = path.join(work, name);
  const [assemblyDir] = await Promise.all([
    assembly(repoRoot),
    renderArtifacts(repoRoot, "sample-service", artifactsDir),
  ]);
  const lines: string[] = [];
  const result = await rehearseDeploy({
    repoRoot,
    infraDir: INFRA_DIR,
    assemblyDir,
    service: "sample-service",
    artifactsDir,
    engine: "auto",
    blueImage: undefined,
    breaks,
    timeScale: 60,
    load: { connections: 3, rate: 60 },
    minRequests: 300,
    region: "eu-west-1",
    log: (line) => lines.push(line),
    onTaskLine: () => {},
    launcher,
  });
  return { result, log: lines.join("\n") };
}

const stepNamed = (result: DeployRehearsal, prefix: string) =>
  result.steps.find((step) => step.name.startsWith(prefix));

describe.skipIf(skip !== undefined).concurrent("the Deploy rehearsal (processes as tasks, real HAProxy)", () => {
  it("CodeDeploy canary: blue to green with no request lost, the hook reporting through the real SDK", async () => {
    const { result, log } = await rehearse("codedeploy", REPO_ROOT, undefined);
    expect(result).toMatchObject({ engine: "codedeploy", outcome: "succeeded", exitCode: 0, reason: undefined });
    expect(result.traffic.failed).toBe(0);
    expect(result.traffic.sent).toBeGreaterThanOrEqual(300);
    expect(result.steps.map((step) => step.name)).toEqual([
      "blue task set (production, before the deployment)",
      "Install (replacement task set)",
      "AllowTestTraffic",
      "AfterAllowTestTraffic",
      "AllowTraffic 10%",
      "AllowTraffic 100%",
      "termination wait",
      "original task set terminated",
    ]);
    expect(stepNamed(result, "AfterAllowTestTraffic")?.detail).toContain(
      "PutLifecycleEventHookExecutionStatus Succeeded",
    );
    // The canary's 5 minutes last 5 s at the default time scale. Node's timers count whole milliseconds from the
    // event loop's cached clock, so by performance.now() a 5 s timer may end up to a millisecond early (4.99997 seen).
    expect(stepNamed(result, "AllowTraffic 10%")?.seconds).toBeGreaterThanOrEqual(4.999);
    const canary = result.traffic.steps.find((step) => step.step === "AllowTraffic 10%");
    expect(canary?.green).toBeGreaterThan(0);
    expect((canary?.green ?? 0) / ((canary?.green ?? 0) + (canary?.blue ?? 0))).toBeLessThan(0.3);
    const wait = result.traffic.steps.find((step) => step.step === "termination wait");
    expect(wait).toMatchObject({ blue: 0, failed: 0 });
    expect(result.stops.map((stop) => [stop.name, stop.stop.exitCode])).toEqual([
      ["blue-1", 0],
      ["blue-2", 0],
      ["green-1", 0],
      ["green-2", 0],
    ]);
    expect(log).toContain("taskdef.json containerDefinitions[0].readonlyRootFilesystem = true");
  }, 150_000);

  it("ECS linear on the shared load balancer, with the manifest's own health check path and port", async () => {
    const { result } = await rehearse("ecs", shared.ecsRoot, undefined);
    expect(result).toMatchObject({ engine: "ecs", outcome: "succeeded", exitCode: 0 });
    expect(result.traffic.failed).toBe(0);
    expect(result.settings.healthCheck.path).toBe("/live");
    expect(result.settings.task.containerPort).toBe(3100);
    expect(result.steps.map((step) => step.name)).toEqual([
      "blue task set (production, before the deployment)",
      "SCALE_UP (green service revision)",
      "TEST_TRAFFIC_SHIFT",
      "POST_TEST_TRAFFIC_SHIFT",
      "PRODUCTION_TRAFFIC_SHIFT 50%",
      "PRODUCTION_TRAFFIC_SHIFT 100%",
      "BAKE_TIME",
      "CLEAN_UP",
    ]);
    expect(stepNamed(result, "POST_TEST_TRAFFIC_SHIFT")?.detail).toContain("hookStatus SUCCEEDED");
    const half = result.traffic.steps.find((step) => step.step === "PRODUCTION_TRAFFIC_SHIFT 50%");
    expect(half?.blue).toBeGreaterThan(0);
    expect(half?.green).toBeGreaterThan(0);
  }, 150_000);

  it("--break health: green never passes its checks, traffic stays on blue, green is stopped, exit 3", async () => {
    const { result } = await rehearse("health", REPO_ROOT, "health");
    expect(result).toMatchObject({ outcome: "rolled back", exitCode: DEPLOY_EXIT.healthChecks });
    // The 404 of the moved health path: the last answer green gave, even when its very last check timed out.
    expect(result.reason).toMatch(
      /^target green-\d is unhealthy after the 30 s health check grace period: GET \/health gave L7STS 404 /,
    );
    expect(result.traffic.failed).toBe(0);
    expect(result.steps.map((step) => step.name)).toEqual([
      "blue task set (production, before the deployment)",
      "Install (replacement task set)",
      "rollback",
    ]);
    expect(result.traffic.steps.every((step) => step.green === 0)).toBe(true);
    expect(result.stops.filter((stop) => stop.side === "green").map((stop) => stop.stop.exitCode)).toEqual([0, 0]);
  }, 150_000);

  it("--break smoke-test on ECS: the hook answers IN_PROGRESS, then FAILED, and production never moves, exit 4", async () => {
    const { result, log } = await rehearse("smoke-test", shared.ecsRoot, "smoke-test");
    expect(result).toMatchObject({ outcome: "rolled back", exitCode: DEPLOY_EXIT.testTrafficHook });
    expect(result.reason).toContain("hookStatus FAILED");
    expect(log).toContain("IN_PROGRESS: invoked again after callBackDelay 15 s (÷ 60)");
    expect(result.traffic.failed).toBe(0);
    expect(stepNamed(result, "rollback")?.detail).toContain("production stayed on blue");
    expect(result.steps.some((step) => step.name.startsWith("PRODUCTION_TRAFFIC_SHIFT"))).toBe(false);
  }, 150_000);
});
