// End to end, as a new owner would: init the template (removing the maintainers' tools), add a package and two
// services, one per deployment engine, with the real generators (the last one's real pnpm install links them all),
// then run the new package's and the CodeDeploy service's own tests, check that the whole workspace still installs
// from its lockfile and lints, and that the new packages type-check in it, and synthesize infra.
// The slow part of the suite: one flow, each step its own test.
import { existsSync } from "node:fs";
import path from "node:path";
import { runCommand } from "@repo/devkit/process";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MAINTAINERS_DIR } from "../src/init/maintainers.ts";
import { runGenerator } from "./support/plop.ts";
import { copyWorkspace, currentScope, readJson, readText } from "./support/workspace.ts";

const STEP_TIMEOUT = 240_000;
const oldScope = currentScope();
const scope = oldScope === "@acme" ? "@zeta" : "@acme";
const root = copyWorkspace({ git: true });
/** One service of each engine: CodeDeploy (the default) and ECS-native on the shared load balancer. */
const SERVICES = ["orders", "catalog"] as const;
/** What the generators write: the two services and the package. */
const NEW_PACKAGES = [...SERVICES.map((service) => `apps/${service}`), "packages/money"];

// Real installs, whatever the environment running the tests says.
beforeEach(() => {
  vi.stubEnv("PLOP_SKIP_INSTALL", "");
});

async function expectSuccess(args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  const result = await runCommand("pnpm", args, { cwd: root, env });
  const output = `${result.stdout}${result.stderr}`;
  expect(result.exitCode, `pnpm ${args.join(" ")}\n${output}`).toBe(0);
  return output;
}

describe.sequential("a new owner's first hour, end to end", () => {
  it(
    "init renames the packages and removes the maintainers' tools, pnpm plop package adds a package (their installs left to the last generator)",
    async () => {
      vi.stubEnv("PLOP_SKIP_INSTALL", "1");
      const init = await runGenerator(root, "init", [scope, "shop", "eu-west-1", "shop", "_", "main", "yes"]);
      expect(init.failures).toEqual([]);
      expect(existsSync(path.join(root, MAINTAINERS_DIR))).toBe(false);
      const money = await runGenerator(root, "package", ["money"]);
      expect(money.failures).toEqual([]);
      for (const run of [init, money]) {
        expect(run.changes[1]).toEqual({ type: "skip", path: expect.stringContaining("pnpm install skipped") });
      }
    },
    STEP_TIMEOUT,
  );

  it(
    "pnpm plop service adds a CodeDeploy service and an ECS-native one; one install links them and renames the rest",
    async () => {
      vi.stubEnv("PLOP_SKIP_INSTALL", "1");
      const codedeploy = await runGenerator(root, "service", ["orders", "_", "/healthz", "512/1024", "linear"]);
      expect(codedeploy.failures).toEqual([]);
      vi.stubEnv("PLOP_SKIP_INSTALL", "");
      const native = await runGenerator(root, "service", ["catalog", "_", "_", "_", "_", "ecs"]);
      expect(native.failures).toEqual([]);
      // Offline when the store and pnpm's metadata cache hold everything, else from the registry.
      expect(native.changes.map((change) => change.path)).toContainEqual(
        expect.stringMatching(/pnpm install (--offline )?--no-frozen-lockfile/),
      );
      const lockfile = readText(root, "pnpm-lock.yaml");
      for (const dir of NEW_PACKAGES) expect(lockfile).toContain(`\n  ${dir}:\n`);
      // What init left to this install: the packages renamed, the maintainers' tools gone.
      expect(lockfile).toContain(`'${scope}/service-contract':`);
      expect(lockfile).not.toContain(`'${oldScope}/`);
      expect(lockfile).not.toContain(`\n  ${MAINTAINERS_DIR}/`);
      for (const service of SERVICES) {
        expect(existsSync(path.join(root, `apps/${service}/node_modules/express/package.json`)), service).toBe(true);
      }
    },
    STEP_TIMEOUT,
  );

  it(
    "the new package's and the CodeDeploy service's own tests pass (their type checks: below)",
    async () => {
      // The ECS service's tests would be the sample's own suite again: the engine changes only its service.json's
      // deployment block, which the service does not read; orders also runs them on a non-default health path.
      const output = await expectSuccess(["--filter", `${scope}/orders`, "--filter", `${scope}/money`, "test"]);
      for (const dir of ["apps/orders", "packages/money"]) {
        expect(output).toMatch(new RegExp(`${dir} test:.*Tests +\\d+ passed`));
      }
    },
    STEP_TIMEOUT,
  );

  it(
    "the whole workspace installs from its lockfile as it is and lints; the new packages type-check in it",
    async () => {
      await expectSuccess(["install", "--frozen-lockfile", "--offline"]);
      // Only the generated packages: every other one is the template's own, type-checked by this repository's
      // check-types, and init.test.ts checks that the rename leaves no old scope in any file.
      const output = await expectSuccess([...NEW_PACKAGES.flatMap((dir) => ["--filter", `./${dir}`]), "check-types"]);
      for (const dir of NEW_PACKAGES) expect(output).toContain(`${dir} check-types: Done`);
      await expectSuccess(["lint"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "infra synthesizes a stack for each new service, named with the new project name, on its engine",
    async () => {
      await expectSuccess(["--filter", `${scope}/infra`, "synth"]);
      const out = path.join(root, "infra/cdk.out");
      const manifest = readJson<{ artifacts: Record<string, { type: string }> }>(out, "manifest.json");
      const stacks = Object.entries(manifest.artifacts)
        .filter(([, artifact]) => artifact.type === "aws:cloudformation:stack")
        .map(([name]) => name);
      expect(stacks).toEqual(
        expect.arrayContaining(["shop-shared", "shop-sample-service", ...SERVICES.map((s) => `shop-${s}`)]),
      );
      type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      const resourcesOf = (stack: string) =>
        Object.values(readJson<{ Resources: Resources }>(out, `${stack}.template.json`).Resources);
      const typesOf = (stack: string) => resourcesOf(stack).map((resource) => resource.Type);

      // The settings chosen at the prompt reach the stacks.
      expect(readText(out, "shop-orders.template.json")).toContain('"HealthCheckPath": "/healthz"');
      for (const service of SERVICES) {
        expect(typesOf(`shop-${service}`), service).toEqual(
          expect.arrayContaining(["AWS::ECS::Service", "AWS::CodePipeline::Pipeline"]),
        );
      }
      expect(typesOf("shop-orders")).toContain("AWS::CodeDeploy::DeploymentGroup");
      const catalog = resourcesOf("shop-catalog");
      expect(
        catalog.find((resource) => resource.Type === "AWS::ECS::Service")?.Properties?.DeploymentController,
      ).toEqual({ Type: "ECS" });
      // On the shared load balancer at the priority the generator wrote, with no load balancer of its own.
      const rules = catalog.filter((resource) => resource.Type === "AWS::ElasticLoadBalancingV2::ListenerRule");
      expect(rules.map((rule) => rule.Properties?.Priority)).toEqual([1, 1]);
      expect(typesOf("shop-catalog")).not.toContain("AWS::ElasticLoadBalancingV2::LoadBalancer");
      expect(typesOf("shop-shared")).toContain("AWS::ElasticLoadBalancingV2::LoadBalancer");
    },
    STEP_TIMEOUT,
  );
});
