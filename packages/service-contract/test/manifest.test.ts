import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  discoverServices,
  ecsDeploymentConfiguration,
  loadBalancerMode,
  loadServiceManifest,
  MAX_RULE_CONDITION_VALUES,
  ManifestError,
  parseServiceManifest,
  serviceRoute,
  sharedLoadBalancerIndex,
} from "../src/index.ts";

const minimal = { name: "orders", port: 3001 };

function problemsOf(value: unknown): string[] {
  try {
    parseServiceManifest(value, "apps/orders/service.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return [...(error as ManifestError).problems];
  }
  throw new Error("expected the manifest to be rejected");
}

describe("parseServiceManifest", () => {
  it("fills every default from a minimal manifest", () => {
    const manifest = parseServiceManifest(minimal, "service.json");
    expect(manifest).toMatchObject({
      name: "orders",
      port: 3001,
      healthCheckPath: "/health",
      cpu: 256,
      memory: 512,
      desiredCount: 2,
      stopTimeoutSeconds: 30,
      scaling: { minTasks: 2, maxTasks: 6 },
      deployment: { strategy: "canary", percent: 10, intervalMinutes: 5, terminationWaitMinutes: 5 },
      environment: {},
      secrets: {},
    });
  });

  it.each([
    [{ ...minimal, name: "Orders_1" }, "name: must be lowercase kebab-case"],
    [{ ...minimal, name: "a-very-long-service-name-indeed" }, "name: must be at most 24 characters"],
    [{ ...minimal, name: "shared" }, "name: is reserved"],
    [{ ...minimal, port: 80 }, "port: must be 1024 or higher"],
    [{ ...minimal, port: "3000" }, "port: "],
    [{ ...minimal, cpu: 300 }, "cpu: must be one of Fargate's cpu sizes"],
    [{ ...minimal, cpu: 256, memory: 4096 }, "memory: 4096 MiB is not valid with cpu 256"],
    [{ ...minimal, desiredCount: 10 }, "desiredCount: must lie between"],
    [{ ...minimal, scaling: { minTasks: 4, maxTasks: 2 } }, "scaling.maxTasks: maxTasks must be at least minTasks"],
    [{ ...minimal, deployment: { strategy: "blue-green" } }, "deployment.strategy: "],
    [{ ...minimal, environment: { PORT: "1" } }, "environment.PORT: is set by the platform"],
    [{ ...minimal, environment: { lower: "x" } }, "environment.lower: "],
    [{ ...minimal, secrets: { TOKEN: "plain" } }, "secrets.TOKEN: must be a Secrets Manager or SSM parameter ARN"],
    [{ ...minimal, healthCheckPath: "health" }, "healthCheckPath: must be a URL path"],
    [{ ...minimal, colour: "blue" }, "(root): "],
  ])("rejects %j with a message naming the field", (value, expected) => {
    const problems = problemsOf(value);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  it("names the file in the error message", () => {
    expect(() => parseServiceManifest({ ...minimal, port: 1 }, "apps/orders/service.json")).toThrow(
      /^apps\/orders\/service\.json: port: /,
    );
  });
});

describe("loadServiceManifest", () => {
  it("reports malformed JSON and missing files with the path", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "manifest-"));
    const file = path.join(dir, "service.json");
    writeFileSync(file, "{ not json");
    expect(() => loadServiceManifest(file)).toThrow(`${file}: is not valid JSON`);
    expect(() => loadServiceManifest(path.join(dir, "missing.json"))).toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe("discoverServices", () => {
  function workspaceWith(services: Record<string, unknown>): string {
    const root = mkdtempSync(path.join(tmpdir(), "workspace-"));
    mkdirSync(path.join(root, "apps", "not-a-service"), { recursive: true });
    for (const [folder, manifest] of Object.entries(services)) {
      mkdirSync(path.join(root, "apps", folder), { recursive: true });
      writeFileSync(path.join(root, "apps", folder, "service.json"), JSON.stringify(manifest));
    }
    return root;
  }

  it("finds every apps/*/service.json, sorted, and skips folders without one", () => {
    const root = workspaceWith({ payments: { name: "payments", port: 3002 }, orders: minimal });
    expect(discoverServices(root).map((s) => [s.manifest.name, s.dir, s.manifestPath])).toEqual([
      ["orders", "apps/orders", "apps/orders/service.json"],
      ["payments", "apps/payments", "apps/payments/service.json"],
    ]);
  });

  it("requires the name to match the folder", () => {
    const root = workspaceWith({ orders: { name: "payments", port: 3001 } });
    expect(() => discoverServices(root)).toThrow('apps/orders/service.json: name: "payments" must equal its folder');
  });

  it("rejects two services on one port, naming both files", () => {
    const root = workspaceWith({ orders: minimal, payments: { name: "payments", port: 3001 } });
    expect(() => discoverServices(root)).toThrow(
      "apps/payments/service.json: port: 3001 is already used by apps/orders/service.json",
    );
  });

  it("returns nothing when there is no apps folder", () => {
    expect(discoverServices(mkdtempSync(path.join(tmpdir(), "empty-")))).toEqual([]);
  });
});

describe("deployment engines", () => {
  const parse = (extra: Record<string, unknown>) => parseServiceManifest({ ...minimal, ...extra }, "service.json");
  const problems = (extra: Record<string, unknown>) => {
    try {
      parse(extra);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the manifest to be rejected");
  };

  it("defaults to CodeDeploy on a dedicated load balancer", () => {
    const manifest = parse({});
    expect(manifest.deployment.engine).toBe("codedeploy");
    expect(loadBalancerMode(manifest)).toBe("dedicated");
  });

  it("puts ecs services on the shared load balancer by default, routed under /<name>", () => {
    const manifest = parse({ deployment: { engine: "ecs" }, route: { priority: 7 } });
    expect(loadBalancerMode(manifest)).toBe("shared");
    expect(serviceRoute(manifest)).toEqual({ pathPrefix: "/orders", hosts: [], priority: 7 });
    expect(loadBalancerMode(parse({ deployment: { engine: "ecs" }, loadBalancer: "dedicated" }))).toBe("dedicated");
  });

  it("routes every path of its host names when a service has hosts and no path prefix", () => {
    const route = (extra: Record<string, unknown>) =>
      serviceRoute(parse({ deployment: { engine: "ecs" }, route: { priority: 7, ...extra } }));
    expect(route({ hosts: ["orders.example.com"] })).toEqual({
      pathPrefix: "/",
      hosts: ["orders.example.com"],
      priority: 7,
    });
    expect(route({ hosts: ["orders.example.com"], pathPrefix: "/api" }).pathPrefix).toBe("/api");
  });

  it("refuses a route with more condition values than an ALB rule holds (a path prefix takes two)", () => {
    const hosts = (count: number) => Array.from({ length: count }, (_, index) => `h${index}.example.com`);
    const route = (extra: Record<string, unknown>) => ({
      deployment: { engine: "ecs" },
      route: { priority: 1, ...extra },
    });
    expect(() => parse(route({ hosts: hosts(MAX_RULE_CONDITION_VALUES) }))).not.toThrow();
    expect(() => parse(route({ hosts: hosts(MAX_RULE_CONDITION_VALUES - 2), pathPrefix: "/api" }))).not.toThrow();
    expect(problems(route({ hosts: hosts(MAX_RULE_CONDITION_VALUES - 1), pathPrefix: "/api" }))).toContain(
      `route.hosts: a listener rule matches at most ${MAX_RULE_CONDITION_VALUES} values`,
    );
    expect(problems(route({ hosts: hosts(MAX_RULE_CONDITION_VALUES + 1) }))).toContain("route.hosts:");
  });

  it("refuses what an engine cannot do, naming the field", () => {
    expect(problems({ loadBalancer: "shared" })).toContain(
      "loadBalancer: CodeDeploy switches a listener's default action",
    );
    expect(problems({ deployment: { engine: "ecs", intervalMinutes: 2000 }, route: { priority: 1 } })).toContain(
      "deployment.intervalMinutes: the ecs engine waits at most 1440 minutes",
    );
    expect(
      problems({ deployment: { engine: "ecs", strategy: "linear", percent: 2 }, route: { priority: 1 } }),
    ).toContain("deployment.percent: the ecs engine shifts at least 3% per linear step");
    expect(problems({ deployment: { engine: "ecs" } })).toContain(
      "route.priority: is required on the shared load balancer",
    );
    expect(problems({ deployment: { engine: "ecs" }, route: { priority: 1, pathPrefix: "/Orders/" } })).toContain(
      "route.pathPrefix: must be a path such as /orders",
    );
  });

  it("maps strategies onto ECS's deployment configuration, the termination wait as the bake time", () => {
    const of = (deployment: Record<string, unknown>) =>
      ecsDeploymentConfiguration(
        parse({ deployment: { engine: "ecs", ...deployment }, route: { priority: 1 } }).deployment,
      );
    expect(of({ strategy: "all-at-once", terminationWaitMinutes: 3 })).toEqual({
      strategy: "BLUE_GREEN",
      bakeTimeInMinutes: 3,
    });
    expect(of({ strategy: "canary", percent: 20, intervalMinutes: 4 })).toEqual({
      strategy: "CANARY",
      bakeTimeInMinutes: 5,
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 4 },
    });
    expect(of({ strategy: "linear", percent: 25, intervalMinutes: 2 })).toMatchObject({
      strategy: "LINEAR",
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
    });
  });

  it("places a service on a shared load balancer by its priority alone, 50 to a load balancer", () => {
    expect([1, 50, 51, 100, 101].map(sharedLoadBalancerIndex)).toEqual([0, 0, 1, 1, 2]);
  });

  it("refuses two shared services with one priority at discovery, naming a free one", () => {
    const root = mkdtempSync(path.join(tmpdir(), "engines-"));
    for (const [name, port] of [
      ["orders", 3001],
      ["billing", 3002],
    ] as const) {
      mkdirSync(path.join(root, "apps", name), { recursive: true });
      writeFileSync(
        path.join(root, "apps", name, "service.json"),
        JSON.stringify({ name, port, deployment: { engine: "ecs" }, route: { priority: 1 } }),
      );
    }
    expect(() => discoverServices(root)).toThrow(
      "apps/orders/service.json: route.priority: 1 is already used by apps/billing/service.json; each service on the shared load balancer needs its own (2 is free)",
    );
  });
});
