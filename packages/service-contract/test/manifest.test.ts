import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { discoverServices, loadServiceManifest, ManifestError, parseServiceManifest } from "../src/index.ts";

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
