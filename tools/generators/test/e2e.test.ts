// End to end, as a new owner would: init the template (removing the maintainers' tools), add a service and a package
// with the real generators (real pnpm install), then run the new service's own tests and type checks, synthesize
// infra, and check that the whole workspace still installs from its lockfile, type-checks and lints.
// The slow part of the suite (about a minute): one flow, each step its own test.
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
    "init renames the packages, removes the maintainers' tools and installs the workspace",
    async () => {
      const run = await runGenerator(root, "init", [scope, "shop", "eu-west-1", "shop", "_", "main", "yes"]);
      expect(run.failures).toEqual([]);
      expect(existsSync(path.join(root, MAINTAINERS_DIR))).toBe(false);
      // Offline when the store and pnpm's metadata cache hold everything, else from the registry.
      expect(run.changes[1]?.path).toMatch(/pnpm install (--offline )?--no-frozen-lockfile/);
      const lockfile = readText(root, "pnpm-lock.yaml");
      expect(lockfile).toContain(`'${scope}/service-contract':`);
      expect(lockfile).not.toContain(`'${oldScope}/`);
      expect(lockfile).not.toContain(`\n  ${MAINTAINERS_DIR}/`);
    },
    STEP_TIMEOUT,
  );

  it(
    "pnpm plop package adds a package (its install left to the next generator)",
    async () => {
      vi.stubEnv("PLOP_SKIP_INSTALL", "1");
      const run = await runGenerator(root, "package", ["money"]);
      expect(run.failures).toEqual([]);
      expect(run.changes[1]?.type).toBe("skip");
    },
    STEP_TIMEOUT,
  );

  it(
    "pnpm plop service links the new service into the workspace",
    async () => {
      const run = await runGenerator(root, "service", ["orders", "_", "/healthz", "512/1024", "linear"]);
      expect(run.failures).toEqual([]);
      const lockfile = readText(root, "pnpm-lock.yaml");
      expect(lockfile).toContain("\n  apps/orders:\n");
      expect(lockfile).toContain("\n  packages/money:\n");
      expect(existsSync(path.join(root, "apps/orders/node_modules/express/package.json"))).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "the new service's own tests and type checks pass",
    async () => {
      const output = await expectSuccess(["--filter", `${scope}/orders`, "test"]);
      expect(output).toMatch(/Tests +\d+ passed/);
      await expectSuccess(["--filter", `${scope}/orders`, "check-types"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "the new package's tests and type checks pass",
    async () => {
      await expectSuccess(["--filter", `${scope}/money`, "test"]);
      await expectSuccess(["--filter", `${scope}/money`, "check-types"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "the whole workspace installs from its lockfile as it is, type-checks and lints (pnpm lint)",
    async () => {
      await expectSuccess(["install", "--frozen-lockfile", "--offline"]);
      await expectSuccess(["--recursive", "check-types"]);
      await expectSuccess(["lint"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "infra synthesizes a stack for the new service, named with the new project name",
    async () => {
      await expectSuccess(["--filter", `${scope}/infra`, "synth"]);
      const out = path.join(root, "infra/cdk.out");
      const manifest = readJson<{ artifacts: Record<string, { type: string }> }>(out, "manifest.json");
      const stacks = Object.entries(manifest.artifacts)
        .filter(([, artifact]) => artifact.type === "aws:cloudformation:stack")
        .map(([name]) => name);
      expect(stacks).toEqual(expect.arrayContaining(["shop-shared", "shop-sample-service", "shop-orders"]));

      const template = readText(out, "shop-orders.template.json");
      // The settings chosen at the prompt reach the stack.
      expect(template).toContain('"HealthCheckPath": "/healthz"');
      const resources = Object.values(
        (JSON.parse(template) as { Resources: Record<string, { Type: string }> }).Resources,
      ).map((resource) => resource.Type);
      expect(resources).toContain("AWS::ECS::Service");
      // Once infra creates a pipeline per service, the new service has its own too.
      const anyPipeline = stacks.some((stack) =>
        readText(out, `${stack}.template.json`).includes('"AWS::CodePipeline::Pipeline"'),
      );
      if (anyPipeline) expect(resources).toContain("AWS::CodePipeline::Pipeline");
    },
    STEP_TIMEOUT,
  );
});
