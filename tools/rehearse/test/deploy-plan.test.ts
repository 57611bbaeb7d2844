// What the Deploy rehearsal will do, read from really synthesized stacks and really rendered artifacts: it follows the
// manifest (health check path, port, engine, strategy) with no edit to the rehearsal.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ecsTiming } from "@repo/service-contract";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderHaproxyConfig } from "../src/deploy/haproxy-config.ts";
import { LOAD_BALANCER_HOST } from "../src/deploy/hook-function.ts";
import { type DeployPlan, planFromAssembly } from "../src/deploy/plan.ts";
import { TaskDefinitionError } from "../src/deploy/task-definition.ts";
import { Stacks } from "../src/deploy/templates.ts";
import { hookEnvironment } from "../src/deploy/test-traffic-hook.ts";
import { renderArtifacts } from "./support/artifacts.ts";
import { addService, assemblies, copyWithManifest, REPO_ROOT, type RepoCopy } from "./support/repo-copy.ts";
import { targetHealthCheck } from "./support/target-health.ts";

const SERVICE = "sample-service";
const STACKS = { service: "bluegreen-sample-service", shared: "bluegreen-shared" };
/** A second service of the "changed" copy: its stack comes out of that copy's synth. */
const LINEAR = "linear-service";

interface Scenario {
  root: string;
  artifacts: string;
  stacks: Stacks;
  plan: DeployPlan;
}

const work = mkdtempSync(path.join(tmpdir(), "rehearse-plan-test-"));
const copies: RepoCopy[] = [];
const scenarios: Record<"sample" | "changed" | "ecs" | "linear", Scenario> = {} as never;
const shared = inject("shared");
const assembly = assemblies(work, shared.assemblies);

async function scenario(name: keyof typeof scenarios, root: string, service = SERVICE): Promise<void> {
  const artifacts = path.join(work, name, "artifacts");
  const names = { ...STACKS, service: `bluegreen-${service}` };
  const [assemblyDir] = await Promise.all([assembly(root), renderArtifacts(root, service, artifacts)]);
  const stacks = await Stacks.read(assemblyDir, [names.service, names.shared]);
  scenarios[name] = {
    root,
    artifacts,
    stacks,
    plan: await planFromAssembly(stacks, { service, stacks: names, artifactsDir: artifacts }),
  };
}

function copy(change: (manifest: Record<string, unknown>) => void): string {
  const repo = copyWithManifest(SERVICE, change);
  copies.push(repo);
  return repo.root;
}

beforeAll(async () => {
  const changed = copy((manifest) => {
    manifest.healthCheckPath = "/live";
    manifest.port = 3100;
  });
  addService(changed, SERVICE, LINEAR, (manifest) => {
    manifest.port = 3200;
    manifest.deployment = { strategy: "linear", percent: 20, intervalMinutes: 2, terminationWaitMinutes: 1 };
  });
  await Promise.all([
    scenario("sample", REPO_ROOT),
    scenario("changed", changed),
    scenario("ecs", shared.ecsRoot),
    scenario("linear", changed, LINEAR),
  ]);
}, 180_000);

afterAll(() => {
  for (const repo of copies) repo.remove();
  rmSync(work, { recursive: true, force: true });
});

const config = (plan: DeployPlan) =>
  renderHaproxyConfig({
    targetGroups: plan.topology.targetGroups,
    listeners: plan.topology.listeners,
    ports: { production: 8080, test: 8081 },
    slots: plan.topology.desiredCount,
    idleTimeoutSeconds: plan.topology.idleTimeoutSeconds,
    socket: "/run/haproxy.sock",
  });

/** A plan of one scenario's stacks with another scenario's Build artifacts. */
const planMismatched = (stacksOf: keyof typeof scenarios, artifactsOf: keyof typeof scenarios) =>
  planFromAssembly(scenarios[stacksOf].stacks, {
    service: SERVICE,
    stacks: STACKS,
    artifactsDir: scenarios[artifactsOf].artifacts,
  });

describe("the Deploy rehearsal's plan, from the synthesized stacks and the Build stage's artifacts", () => {
  it("plays the sample service as its stacks deploy it: CodeDeploy canary, the target groups' checks, the task definition", () => {
    const { plan } = scenarios.sample;
    expect(plan.engine).toBe("codedeploy");
    expect(plan.timing).toEqual(ecsTiming("canary", { percent: 10, intervalMinutes: 5 }, 5));
    expect(plan.shifts).toEqual([
      { percent: 10, waitMinutes: 5 },
      { percent: 100, waitMinutes: 0 },
    ]);
    expect(plan.topology.targetGroups.green).toMatchObject({
      healthCheck: targetHealthCheck("/health"),
      deregistrationDelaySeconds: 25,
    });
    expect(plan.topology).toMatchObject({ desiredCount: 2, healthCheckGracePeriodSeconds: 30, idleTimeoutSeconds: 60 });
    expect(plan.topology.listeners.production).toMatchObject({
      port: 80,
      rule: undefined,
      weights: { blue: 100, green: 0 },
    });
    expect(plan.topology.listeners.test).toMatchObject({ port: 9000, weights: { blue: 0, green: 100 } });
    expect(plan.task).toMatchObject({
      user: "1000",
      readOnlyRootFilesystem: true,
      stopTimeoutSeconds: 30,
      containerPort: 3000,
    });
    expect(plan.task.image).toMatch(/^127\.0\.0\.1:5000\/sample-service@sha256:0{64}$/);
    expect(plan.hook).toMatchObject({
      stage: "AfterAllowTestTraffic",
      functionName: "CodeDeployHook_bluegreen-sample-service",
    });
    expect(existsSync(plan.hook?.code.file ?? "")).toBe(true);
    expect(plan.hook?.environment.TEST_URL).toBe(`http://${LOAD_BALANCER_HOST}:9000`);
  });

  it("follows a changed health check path and port in service.json, with no edit to the rehearsal", () => {
    const before = scenarios.sample.plan;
    const after = scenarios.changed.plan;
    expect(after.topology.targetGroups.green.healthCheck.path).toBe("/live");
    expect(after.topology.targetGroups.blue.healthCheck.path).toBe("/live");
    expect(after.topology.container.port).toBe(3100);
    expect(after.task.containerPort).toBe(3100);
    expect(after.task.environment).toMatchObject({ HEALTH_CHECK_PATH: "/live", PORT: "3100" });
    expect(config(before)).toContain("option httpchk GET /health\n");
    expect(config(after)).toContain("option httpchk GET /live\n");
    expect(config(after)).not.toContain("/health");
    expect(after.hook?.environment.HEALTH_PATH).toBe("/live");
    // Nothing else moved.
    expect(after.shifts).toEqual(before.shifts);
    expect(after.topology.listeners).toEqual(before.topology.listeners);
  });

  it("refuses artifacts whose port the stacks do not target (the old taskdef.json against the new stacks)", async () => {
    await expect(planMismatched("changed", "sample")).rejects.toThrow(
      /LoadBalancerInfo is \{"ContainerName":"sample-service","ContainerPort":3000\}.*port 3100/,
    );
  });

  it("refuses a task definition whose container port the ECS engine's target groups do not take", async () => {
    // The ECS engine reads no appspec.yaml: taskdef.json's own port mapping (3000) is what is checked (3100).
    await expect(planMismatched("ecs", "sample")).rejects.toThrow(TaskDefinitionError);
  });

  it("plays the ECS engine: listener rules on the shared load balancer, linear steps, the POST_TEST_TRAFFIC_SHIFT hook", () => {
    const { plan } = scenarios.ecs;
    expect(plan.engine).toBe("ecs");
    expect(plan.timing).toEqual(ecsTiming("linear", { percent: 50, intervalMinutes: 1 }, 1));
    expect(plan.shifts.map((shift) => shift.percent)).toEqual([50, 100]);
    const production = plan.topology.listeners.production;
    expect(production).toMatchObject({
      port: 80,
      weights: { blue: 100, green: 0 },
      rule: {
        pathPatterns: ["/sample-service", "/sample-service/*"],
        hosts: [],
        rewrite: { regex: "^/sample-service/?(.*)$", replace: "/$1" },
      },
      fixedResponse: { statusCode: 404, contentType: "application/json" },
    });
    expect(plan.topology.listeners.test).toMatchObject({ port: 9000, weights: { blue: 100, green: 0 } });
    expect(plan.hook).toMatchObject({
      stage: "POST_TEST_TRAFFIC_SHIFT",
      functionName: "bluegreen-sample-service-test-traffic-hook",
    });
    const environment = hookEnvironment({
      fn: plan.hook as NonNullable<DeployPlan["hook"]>,
      testListener: { port: 9000, url: "http://127.0.0.1:8081" },
      breakSmokeTest: false,
    });
    expect(environment.TEST_URL).toBe("http://127.0.0.1:8081/sample-service");
    const text = config(plan);
    expect(text).toContain("  acl rule_path path_reg '^/sample-service/.*$'\n");
    expect(text).toContain("  http-request replace-path '^/sample-service/?(.*)$' '/\\1'\n");
    expect(text).toMatch(
      /http-request return status 404 content-type 'application\/json' string '\{"error":.*' unless rule_path\n/,
    );
  });

  it("reads a CodeDeploy configuration that is not predefined from its DeploymentConfig resource", () => {
    expect(scenarios.linear.plan.timing).toEqual(ecsTiming("linear", { percent: 20, intervalMinutes: 2 }, 1));
    expect(scenarios.linear.plan.shifts.map((shift) => shift.percent)).toEqual([20, 40, 60, 80, 100]);
  });
});
