import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectFiles } from "@repo/devkit/files";
import { triggerPathsFor } from "@repo/pipeline-triggers";
import {
  discoverServices,
  loadBalancerMode,
  loadServiceManifest,
  SERVICES_PER_SHARED_LOAD_BALANCER,
  type ServiceManifestInput,
  serviceRoute,
} from "@repo/service-contract";
import { describe, expect, it, vi } from "vitest";
import { deriveService, readTemplateFiles } from "../src/service/derive.ts";
import { servicePackageName, TEMPLATE_DIR, templateManifest } from "../src/service/settings.ts";
import { itRefuses, runGenerator } from "./support/plop.ts";
import * as workspace from "./support/workspace.ts";

const scope = workspace.currentScope();
const samplePort = templateManifest(workspace.REPO_ROOT).port;
const templateFiles = projectFiles(workspace.REPO_ROOT, TEMPLATE_DIR);

describe("the template", () => {
  it("is derived from itself byte for byte with its own settings: there is no second template to drift", () => {
    const template = templateManifest(workspace.REPO_ROOT);
    const files = readTemplateFiles(workspace.REPO_ROOT);
    const derived = deriveService(
      files,
      template,
      {
        name: template.name,
        port: template.port,
        healthCheckPath: template.healthCheckPath,
        cpu: template.cpu,
        memory: template.memory,
        strategy: template.deployment.strategy,
        engine: template.deployment.engine,
        loadBalancer: loadBalancerMode(template),
        ...(template.route ? { route: template.route } : {}),
      },
      servicePackageName(workspace.REPO_ROOT, template.name),
    );
    expect(derived.map((file) => file.path)).toEqual(files.map((file) => file.path));
    for (const file of derived) {
      const absolute = path.join(workspace.REPO_ROOT, TEMPLATE_DIR, file.path);
      expect(Buffer.from(file.content).equals(readFileSync(absolute)), file.path).toBe(true);
      expect(file.mode, file.path).toBe(statSync(absolute).mode & 0o777);
    }
  });

  it("is the sample's own files, never node_modules, build output or caches, with or without git", () => {
    const plain = workspace.copyWorkspace();
    const git = workspace.copyWorkspace({ git: true });
    for (const root of [plain, git]) {
      for (const junk of ["node_modules/x/index.js", "dist/server.js", ".turbo/turbo-test.log", "debug.log"]) {
        mkdirSync(path.dirname(path.join(root, TEMPLATE_DIR, junk)), { recursive: true });
        writeFileSync(path.join(root, TEMPLATE_DIR, junk), "not part of the template");
      }
    }
    expect(templateFiles).toContain("service.json");
    expect(templateFiles).toContain("src/config.ts");
    expect(projectFiles(plain, TEMPLATE_DIR)).toEqual(templateFiles);
    expect(projectFiles(git, TEMPLATE_DIR)).toEqual(templateFiles);
  });
});

describe("pnpm plop service", () => {
  it("creates apps/<name> from the template with the chosen settings, and nothing else", async () => {
    const root = workspace.copyWorkspace({ git: true });
    const changes = workspace.watchTree(root);

    const run = await runGenerator(root, "service", ["billing", "3100", "/healthz", "512/1024", "linear"]);

    expect(run.failures).toEqual([]);
    expect(changes()).toEqual(
      [
        "apps/billing/",
        ...new Set(templateFiles.flatMap((file) => parents(file).map((dir) => `apps/billing/${dir}/`))),
        ...templateFiles.map((file) => `apps/billing/${file}`),
      ].sort(),
    );
    expect(run.changes[0]?.path).toContain(
      `apps/billing/ (${templateFiles.length} files from ${TEMPLATE_DIR}, engine codedeploy on a load balancer of its own)`,
    );

    const manifest = loadServiceManifest(path.join(root, "apps/billing/service.json"));
    expect(manifest).toMatchObject({
      name: "billing",
      port: 3100,
      healthCheckPath: "/healthz",
      cpu: 512,
      memory: 1024,
    });
    expect(manifest.deployment).toMatchObject({ strategy: "linear", percent: 10, intervalMinutes: 1 });
    // Everything the person did not choose is the template's.
    const template = templateManifest(root);
    expect(manifest.scaling).toEqual(template.scaling);
    expect(manifest.environment).toEqual(template.environment);

    expect(workspace.readJson(root, "apps/billing/package.json").name).toBe(`${scope}/billing`);
    // Every other file is the template's, byte for byte: no source file names a service, a port or a path.
    for (const file of templateFiles.filter((name) => name !== "service.json" && name !== "package.json")) {
      expect(workspace.readText(root, `apps/billing/${file}`), file).toBe(
        workspace.readText(root, `${TEMPLATE_DIR}/${file}`),
      );
    }

    // Found by convention: infra and the pipeline triggers see it without any edit.
    expect(discoverServices(root).map((service) => [service.manifest.name, service.manifest.port])).toContainEqual([
      "billing",
      3100,
    ]);
    expect(triggerPathsFor(root, "apps/billing")).toContain("apps/billing/");
  });

  it("defaults to the next port after the highest in use and to the template's settings", async () => {
    const root = workspace.copyWorkspace();
    const template = templateManifest(root);
    const highest = Math.max(...discoverServices(root).map((service) => service.manifest.port));

    expect((await runGenerator(root, "service", ["orders"])).failures).toEqual([]);
    expect((await runGenerator(root, "service", ["payments", "_", "_", "_", "all-at-once"])).failures).toEqual([]);

    const orders = loadServiceManifest(path.join(root, "apps/orders/service.json"));
    expect(orders.port).toBe(highest + 1);
    expect(orders).toMatchObject({
      healthCheckPath: template.healthCheckPath,
      cpu: template.cpu,
      memory: template.memory,
      deployment: template.deployment,
    });
    const paymentsText = workspace.readText(root, "apps/payments/service.json");
    const payments = loadServiceManifest(path.join(root, "apps/payments/service.json"));
    expect(payments.port).toBe(highest + 2);
    expect(payments.deployment.strategy).toBe("all-at-once");
    // Traffic-shifting numbers mean nothing all at once: they are left out rather than left over.
    expect(paymentsText).not.toContain('"percent"');
    expect(paymentsText).not.toContain('"intervalMinutes"');
  });
});

describe("pnpm plop service, engine ecs", () => {
  /** apps/<name>/service.json written by hand, as a service added earlier would have it. */
  const addService = (root: string, manifest: ServiceManifestInput) => {
    mkdirSync(path.join(root, "apps", manifest.name));
    writeFileSync(path.join(root, "apps", manifest.name, "service.json"), JSON.stringify(manifest));
  };
  const ecsService = (name: string, port: number, priority: number): ServiceManifestInput => ({
    name,
    port,
    deployment: { engine: "ecs" },
    route: { priority },
  });
  const manifestOf = (root: string, name: string) => loadServiceManifest(path.join(root, `apps/${name}/service.json`));

  it("puts the service on the shared load balancer under /<name>, at the lowest priority no service uses", async () => {
    const root = workspace.copyWorkspace();
    addService(root, ecsService("alpha", 4001, 1));
    addService(root, ecsService("gamma", 4003, 3));
    addService(root, { name: "delta", port: 4004, deployment: { engine: "ecs" }, loadBalancer: "dedicated" });
    const others = () =>
      ["alpha", "gamma", "delta"].map((name) => workspace.readText(root, `apps/${name}/service.json`));
    const before = others();

    const run = await runGenerator(root, "service", ["catalog", "_", "_", "_", "_", "ecs"]);

    expect(run.failures).toEqual([]);
    expect(run.changes[0]?.path).toContain("engine ecs, route /catalog at priority 2 on shared load balancer 0");
    const manifest = manifestOf(root, "catalog");
    expect(manifest.deployment.engine).toBe("ecs");
    expect(loadBalancerMode(manifest)).toBe("shared");
    expect(serviceRoute(manifest)).toEqual({ pathPrefix: "/catalog", hosts: [], priority: 2 });
    // The engine's default load balancer is not spelled out; the route is, with its priority.
    const text = workspace.readText(root, "apps/catalog/service.json");
    expect(text).not.toContain('"loadBalancer"');
    expect(JSON.parse(text).route).toEqual({ pathPrefix: "/catalog", priority: 2 });
    // The rest is the template's, engine aside: the same strategy and steps, now run by ECS.
    expect(manifest.deployment).toEqual({ ...templateManifest(root).deployment, engine: "ecs" });

    // The next takes the next free number; nobody else is renumbered, and discovery accepts them all.
    const hosts = await runGenerator(root, "service", [
      "reviews",
      "_",
      "_",
      "_",
      "_",
      "ecs",
      "_",
      "reviews.example.com",
    ]);
    expect(hosts.failures).toEqual([]);
    expect(serviceRoute(manifestOf(root, "reviews"))).toEqual({
      pathPrefix: "/",
      hosts: ["reviews.example.com"],
      priority: 4,
    });
    expect(others()).toEqual(before);
    expect(discoverServices(root).map((service) => service.manifest.name)).toEqual(
      expect.arrayContaining(["alpha", "catalog", "delta", "gamma", "reviews"]),
    );
  });

  it("starts the next shared load balancer once the first holds its services, and frees a removed service's number", async () => {
    const root = workspace.copyWorkspace();
    for (let priority = 1; priority <= SERVICES_PER_SHARED_LOAD_BALANCER; priority++) {
      addService(root, ecsService(`svc-${priority}`, 4000 + priority, priority));
    }
    const next = await runGenerator(root, "service", ["catalog", "_", "_", "_", "_", "ecs"]);
    expect(next.failures).toEqual([]);
    expect(next.changes[0]?.path).toContain(
      `at priority ${SERVICES_PER_SHARED_LOAD_BALANCER + 1} on shared load balancer 1`,
    );

    rmSync(path.join(root, "apps/svc-7"), { recursive: true });
    expect((await runGenerator(root, "service", ["reviews", "_", "_", "_", "_", "ecs"])).failures).toEqual([]);
    expect(serviceRoute(manifestOf(root, "reviews")).priority).toBe(7);
  });

  it("gives an ecs service a load balancer of its own when asked, taking every path unless routed", async () => {
    const root = workspace.copyWorkspace();
    const run = await runGenerator(root, "service", ["search", "_", "_", "_", "all-at-once", "ecs", "dedicated"]);
    expect(run.failures).toEqual([]);
    expect(run.changes[0]?.path).toContain("engine ecs on a load balancer of its own, route every path");
    const text = workspace.readText(root, "apps/search/service.json");
    expect(JSON.parse(text)).toMatchObject({ loadBalancer: "dedicated", deployment: { engine: "ecs" } });
    expect(text).not.toContain('"route"');
    expect(serviceRoute(manifestOf(root, "search"))).toEqual({ pathPrefix: "/", hosts: [], priority: 1 });

    const routed = await runGenerator(root, "service", [
      "admin",
      "_",
      "_",
      "_",
      "_",
      "ecs",
      "dedicated",
      "admin.example.com,/api",
    ]);
    expect(routed.failures).toEqual([]);
    expect(JSON.parse(workspace.readText(root, "apps/admin/service.json")).route).toEqual({
      pathPrefix: "/api",
      hosts: ["admin.example.com"],
    });
  });

  it("refuses a route another service on the same shared load balancer already has, writing nothing", async () => {
    const root = workspace.copyWorkspace();
    addService(root, ecsService("catalog", 4001, 1));
    const changes = workspace.watchTree(root);
    const run = await runGenerator(root, "service", ["shop", "_", "_", "_", "_", "ecs", "_", "/catalog"]);
    expect(run.failures.join("\n")).toMatch(
      /route: apps\/catalog\/service\.json already has this route on shared load balancer 0/,
    );
    expect(changes()).toEqual([]);
  });
});

describe("pnpm plop service refuses, writing nothing", () => {
  itRefuses("service", [
    ["a name that is not kebab-case", ["Orders"], /name: "Orders" must be lowercase kebab-case/],
    ["a name with an underscore", ["order_items"], /must be lowercase kebab-case/],
    ["a name too long for AWS resource names", ["a".repeat(25)], /must be at most 24 characters/],
    ["a reserved name", ["infra"], /name: "infra" is reserved/],
    ["a folder that exists", ["sample-service"], /name: apps\/sample-service already exists/],
    [
      "a package name that exists",
      ["tsconfig"],
      /the package @[\w-]+\/tsconfig already exists \(packages\/tsconfig\/package\.json\)/,
    ],
    [
      "a port in use",
      ["billing", String(samplePort)],
      new RegExp(`port: ${samplePort} is already used by apps/sample-service/service\\.json`),
    ],
    ["a privileged port", ["billing", "80"], /port: 80 must be 1024 or higher/],
    ["a port that is not a number", ["billing", "http"], /port: "http" is not a whole number/],
    ["a health path without a slash", ["billing", "_", "health"], /healthCheckPath: "health" must be a URL path/],
    [
      "a size Fargate does not offer",
      ["billing", "_", "_", "256/4096"],
      /size: "256\/4096" is not a Fargate cpu\/memory pair/,
    ],
    [
      "an unknown deployment style",
      ["billing", "_", "_", "_", "rolling"],
      /deployment: "rolling" must be one of all-at-once, canary, linear/,
    ],
    ["an unknown engine", ["billing", "_", "_", "_", "_", "lambda"], /engine: "lambda" must be one of codedeploy, ecs/],
    [
      "an unknown load balancer",
      ["billing", "_", "_", "_", "_", "ecs", "regional"],
      /loadBalancer: "regional" must be one of shared, dedicated/,
    ],
    [
      "a shared load balancer for CodeDeploy (the contract's own rule)",
      ["billing", "_", "_", "_", "_", "codedeploy", "shared"],
      /loadBalancer: CodeDeploy switches a listener's default action/,
    ],
    [
      "a route for CodeDeploy",
      ["billing", "_", "_", "_", "_", "_", "_", "/billing"],
      /route: "\/billing" needs engine ecs/,
    ],
    [
      "a path prefix the contract refuses",
      ["billing", "_", "_", "_", "_", "ecs", "_", "/Billing/"],
      /route: "\/Billing\/" must be a path such as \/orders/,
    ],
    [
      "a host name the contract refuses",
      ["billing", "_", "_", "_", "_", "ecs", "_", "billing_example"],
      /route: "billing_example" must be a host name such as orders\.example\.com/,
    ],
    [
      "more host names and path patterns than an ALB rule matches",
      ["billing", "_", "_", "_", "_", "ecs", "_", "a.example.com,b.example.com,c.example.com,d.example.com,/api"],
      /route: ".*" a listener rule matches at most 5 values/,
    ],
    ["two path prefixes", ["billing", "_", "_", "_", "_", "ecs", "_", "/a,/b"], /route: "\/a,\/b" has 2 path prefixes/],
    [
      "every path of the shared load balancer",
      ["billing", "_", "_", "_", "_", "ecs", "shared", "/"],
      /route: "\/" would take every request of the shared load balancer/,
    ],
    ["no name at all (nothing can be asked without a terminal)", [], /name: is required/],
  ]);

  it("fails loudly, writing nothing, when the template has lost a file it copies from", async () => {
    const root = workspace.copyWorkspace();
    rmSync(path.join(root, TEMPLATE_DIR, "package.json"));
    const changes = workspace.watchTree(root);

    const run = await runGenerator(root, "service", ["billing"]);

    expect(run.failures.join("\n")).toContain(`${TEMPLATE_DIR}/package.json`);
    expect(changes()).toEqual([]);
  });

  it("removes the new service and restores pnpm-lock.yaml when pnpm install fails, naming why even under pnpm -s", async () => {
    vi.stubEnv("PLOP_SKIP_INSTALL", "");
    // What `pnpm -s plop service` passes down: the install's own pnpm must still say what failed.
    vi.stubEnv("npm_config_reporter", "silent");
    const root = workspace.copyWorkspace();
    workspace.breakInstall(root, scope, { [`${scope}/missing`]: "workspace:*" });
    const changes = workspace.watchTree(root);

    const run = await runGenerator(root, "service", ["billing"]);

    const failure = run.failures.join("\n");
    expect(failure).toContain("pnpm install --offline --no-frozen-lockfile exited with 1");
    expect(failure).toContain(`${scope}/missing`);
    expect(failure).toContain("removed apps/billing; pnpm-lock.yaml restored");
    expect(changes()).toEqual([]);
  });
});

/** "src/a/b.ts" -> ["src", "src/a"] */
function parents(file: string): string[] {
  const parts = file.split("/").slice(0, -1);
  return parts.map((_part, index) => parts.slice(0, index + 1).join("/"));
}
