import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "@repo/devkit/process";
import { loadServiceManifest } from "@repo/service-contract";
import { describe, expect, it } from "vitest";
import { copyWorkspace, watchTree } from "./support/workspace.ts";

// The CLI as `pnpm plop` runs it (tsx tools/generators/src/cli.ts), without a terminal as in CI; --dest (plop's
// own flag) points it at a copy of the repository.
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const CLI = path.join(PACKAGE_DIR, "src/cli.ts");

function plop(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCommand(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
  }).then((result) => ({ ...result, code: result.exitCode }));
}

describe("pnpm plop (the CLI)", () => {
  it("--help lists every generator with its answers in order, and exits 0", async () => {
    const result = await plop(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "pnpm plop service <name> <port> <healthCheckPath> <size> <deployment> <engine> <loadBalancer> <route>",
    );
    expect(result.stdout).toMatch(/engine +Deployment engine.*\(codedeploy, ecs\)/);
    expect(result.stdout).toMatch(/loadBalancer +Load balancer.*\(shared, dedicated\)/);
    expect(result.stdout).toMatch(/route +Route \(engine ecs\): a path prefix .*host names/);
    expect(result.stdout).toContain("pnpm plop package <name> <description>");
    expect(result.stdout).toContain(
      "pnpm plop init <scope> <projectName> <region> <source> <repository> <branch> <removeMaintainers>",
    );
    expect(result.stdout).toContain("--skip-install");
  });

  it("creates a service from answers given by name (engine and route too), skips the install when asked, and says what to do next", async () => {
    const root = copyWorkspace();
    const result = await plop([
      "--dest",
      root,
      "--skip-install",
      "service",
      "--",
      "--name",
      "audit",
      "--size",
      "1024/2048",
      "--engine",
      "ecs",
      "--route",
      "audit.example.com",
    ]);
    expect(result.stderr + result.stdout).toContain("apps/audit/");
    expect(result.code).toBe(0);
    expect(loadServiceManifest(path.join(root, "apps/audit/service.json"))).toMatchObject({
      name: "audit",
      cpu: 1024,
      memory: 2048,
      deployment: { engine: "ecs" },
      route: { hosts: ["audit.example.com"], priority: 1 },
    });
    const output = result.stderr + result.stdout;
    expect(output).toContain("pnpm install skipped");
    expect(output).toMatch(/pnpm --filter @[\w-]+\/audit dev +run it on http:\/\/localhost:\d+/);
  });

  it("exits 1 with the problem, writing nothing, for a bad answer", async () => {
    const root = copyWorkspace();
    const changes = watchTree(root);
    const result = await plop(["--dest", root, "service", "Audit"], { PLOP_SKIP_INSTALL: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toContain('name: "Audit" must be lowercase kebab-case');
    expect(changes()).toEqual([]);
  });

  it("exits 1 when an action fails", async () => {
    const root = copyWorkspace();
    const changes = watchTree(root);
    // Passes the prompts (no name is asked without a terminal), fails in the action.
    const result = await plop(["--dest", root, "service"], { PLOP_SKIP_INSTALL: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toContain("name: is required");
    expect(changes()).toEqual([]);
  });
});
