import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectFiles } from "@repo/devkit/files";
import { readWorkspace } from "@repo/pipeline-triggers";
import { deploymentConfigSchema } from "@repo/service-contract";
import { describe, expect, it, vi } from "vitest";
import { MAINTAINERS_DIR, maintainersOutputs } from "../src/init/maintainers.ts";
import { diagramIn, workspaceDiagram } from "../src/workspace/diagram.ts";
import { itRefuses, runGenerator } from "./support/plop.ts";
import {
  breakInstall,
  copyWorkspace,
  currentScope,
  REPO_ROOT,
  readJson,
  readText,
  watchTree,
} from "./support/workspace.ts";

const oldScope = currentScope();
// Whatever the repository is called now, init moves it somewhere else.
const newScope = oldScope === "@acme" ? "@zeta" : "@acme";
const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

function config(root: string) {
  return readJson(root, "infra/deployment.config.json");
}

describe("pnpm plop init", () => {
  it("renames every package into the new scope, sets the project and its source, and lists what it changed", async () => {
    const root = copyWorkspace({ git: true });
    // Not the project's files: init never touches installed packages.
    mkdirSync(path.join(root, "node_modules/some-tool"), { recursive: true });
    writeFileSync(path.join(root, "node_modules/some-tool/index.js"), `import "${oldScope}/tsconfig";\n`);
    const networkLine = readText(root, "infra/deployment.config.json")
      .split("\n")
      .find((line) => line.includes('"network"'));
    const changes = watchTree(root);

    const run = await runGenerator(root, "init", [newScope, "shop", "eu-west-1", "shop-repo", "_", "release"]);

    expect(run.failures).toEqual([]);
    const changed = changes();
    expect(changed).toContain("package.json");
    expect(changed).toContain("infra/deployment.config.json");
    expect(changed).not.toContain("pnpm-lock.yaml");
    // It says what it changed: exactly the files that changed.
    const reported = (run.changes[0]?.path ?? "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim());
    expect(reported).toEqual(changed);

    const packages = readWorkspace(root).packages.map((pkg) => pkg.name);
    expect(packages.filter((name) => name?.startsWith("@"))).toEqual(
      packages.filter((name) => name?.startsWith(`${newScope}/`)),
    );
    for (const file of projectFiles(root)) {
      if (file === "pnpm-lock.yaml") continue;
      expect(readText(root, file), file).not.toMatch(new RegExp(`(^|[^\\w@])${oldScope}/`));
    }
    expect(readText(root, "node_modules/some-tool/index.js")).toContain(`${oldScope}/tsconfig`);
    expect(readText(root, "apps/sample-service/tsconfig.json")).toContain(`"${newScope}/tsconfig/base.json"`);
    expect(readText(root, "apps/sample-service/Dockerfile")).toContain(`turbo prune "${newScope}/\${SERVICE}"`);

    expect(readJson(root, "package.json").name).toBe("shop");
    const deployment = deploymentConfigSchema.parse(config(root));
    expect(deployment).toMatchObject({
      projectName: "shop",
      region: "eu-west-1",
      source: { type: "codecommit", repositoryName: "shop-repo", branch: "release" },
    });
    // Edited in place: the lines init had no reason to touch are as they were.
    expect(readText(root, "infra/deployment.config.json")).toContain(`${networkLine}\n`);
    expect(run.changes[1]?.path).toContain("pnpm install skipped");
  });

  it("changes nothing, and says so, when run again with the same answers", async () => {
    const root = copyWorkspace();
    const answers = [newScope, "shop", "eu-west-1", CONNECTION_ARN, "acme/shop", "main"];
    expect((await runGenerator(root, "init", answers)).failures).toEqual([]);
    const changes = watchTree(root);

    const again = await runGenerator(root, "init", answers);

    expect(again.failures).toEqual([]);
    expect(again.changes[0]?.path).toMatch(/^nothing to change: the repository already uses/);
    expect(again.changes[1]).toEqual({ type: "skip", path: "pnpm install not needed: no package was renamed" });
    expect(changes()).toEqual([]);

    // And with the defaults, which are the current settings.
    expect((await runGenerator(root, "init", [])).changes[0]?.path).toMatch(/^nothing to change/);
    expect(changes()).toEqual([]);
  });

  it("keeps the settings it does not manage", async () => {
    const root = copyWorkspace();
    const file = path.join(root, "infra/deployment.config.json");
    const edited = {
      ...config(root),
      logRetentionDays: 90,
      source: { ...(config(root).source as object), createRepository: false },
    };
    writeFileSync(file, `${JSON.stringify(edited, null, 2)}\n`);

    const run = await runGenerator(root, "init", [oldScope, "shop", "eu-west-1", "shop", "_", "main"]);

    expect(run.failures).toEqual([]);
    expect(config(root)).toMatchObject({
      logRetentionDays: 90,
      source: { repositoryName: "shop", createRepository: false },
    });
  });

  it("switches the source between CodeConnections and CodeCommit", async () => {
    const root = copyWorkspace();
    const keep = [oldScope, "shop", "eu-west-1"];
    const changes = watchTree(root);

    expect((await runGenerator(root, "init", [...keep, CONNECTION_ARN, "acme/shop", "main"])).failures).toEqual([]);
    // The same scope: only the root package name and the deployment configuration change.
    expect(changes()).toEqual(["infra/deployment.config.json", "package.json"]);
    expect(deploymentConfigSchema.safeParse(config(root)).success).toBe(true);
    expect(config(root).source).toEqual({
      type: "codeconnections",
      connectionArn: CONNECTION_ARN,
      owner: "acme",
      repo: "shop",
      branch: "main",
    });

    expect((await runGenerator(root, "init", [...keep, "shop", "_", "trunk"])).failures).toEqual([]);
    expect(deploymentConfigSchema.safeParse(config(root)).success).toBe(true);
    expect(config(root).source).toEqual({
      type: "codecommit",
      repositoryName: "shop",
      branch: "trunk",
    });
  });
});

describe("pnpm plop init refuses, writing nothing", () => {
  itRefuses("init", [
    ["a scope without @", ["acme"], /scope: "acme" must be an npm scope/],
    ["a scope with capitals", ["@Acme"], /scope: "@Acme" must be an npm scope/],
    ["a project name that is not kebab-case", ["@acme", "Shop"], /projectName: "Shop" must be lowercase kebab-case/],
    ["a project name too long for resource names", ["@acme", "a".repeat(21)], /projectName: "a+" must be at most 20/],
    [
      "a region that is not one",
      ["@acme", "shop", "europe"],
      /region: "europe" must be an AWS region such as eu-west-1/,
    ],
    [
      "a malformed connection ARN",
      ["@acme", "shop", "eu-west-1", "arn:aws:codeconnections:eu-west-1:123:connection/x"],
      /source: "arn:aws:codeconnections:eu-west-1:123:connection\/x" must be a CodeConnections connection ARN/,
    ],
    [
      "a connection ARN without owner/repo",
      ["@acme", "shop", "eu-west-1", CONNECTION_ARN],
      /repository: "" must be owner\/repo/,
    ],
    [
      "owner/repo with a CodeCommit repository",
      ["@acme", "shop", "eu-west-1", "shop", "acme/shop"],
      /repository: "acme\/shop" is only used with a CodeConnections ARN/,
    ],
    [
      "a CodeCommit repository name with spaces",
      ["@acme", "shop", "eu-west-1", "my shop"],
      /source: "my shop" must be a CodeCommit repository name/,
    ],
    [
      "a branch name git refuses",
      ["@acme", "shop", "eu-west-1", "shop", "_", "fix..it"],
      /branch: "fix..it" is not a valid branch name/,
    ],
  ]);
});

describe("pnpm plop init and the template maintainers' tools", () => {
  const keep = [oldScope, "shop", "eu-west-1", "shop", "_", "main"];

  it("removes them when asked: the folder, its script, its workspace entry, the README's words about it", async () => {
    const root = copyWorkspace({ git: true });
    const changes = watchTree(root);

    const run = await runGenerator(root, "init", [...keep, "yes"]);

    expect(run.failures).toEqual([]);
    const changed = changes();
    const removed = [...changes.before.keys()].filter(
      (file) => file.startsWith(`${MAINTAINERS_DIR}/`) || maintainersOutputs(REPO_ROOT).includes(file),
    );
    expect(removed.length).toBeGreaterThan(1);
    expect(changed).toEqual(
      [...removed, "README.md", "infra/deployment.config.json", "package.json", "pnpm-workspace.yaml"].sort(),
    );
    expect(existsSync(path.join(root, MAINTAINERS_DIR))).toBe(false);
    expect(run.changes[0]?.path).toContain(`removed:\n      ${MAINTAINERS_DIR}/`);

    const scripts = readJson<{ scripts: Record<string, string> }>(root, "package.json").scripts;
    expect(Object.values(scripts).join("\n")).not.toContain(MAINTAINERS_DIR);
    expect(scripts.test).toBeDefined();
    expect(readText(root, "pnpm-workspace.yaml")).not.toContain(MAINTAINERS_DIR);
    const readme = readText(root, "README.md");
    expect(readme).not.toContain(MAINTAINERS_DIR);
    expect(readme).not.toContain("<!-- maintainers:");
    expect(readme).not.toContain("pnpm bench");
    expect(readme).toContain("| `pnpm rehearse <service>`");
    expect(diagramIn(readme)).toBe(workspaceDiagram(readWorkspace(root)));
    // pnpm install was skipped (PLOP_SKIP_INSTALL): the lockfile is the next install's to rewrite.
    expect(run.changes[1]?.path).toContain("run pnpm install to drop the packages in pnpm-lock.yaml");

    // Gone means gone: asked again, there is nothing to change.
    const again = await runGenerator(root, "init", [...keep, "yes"]);
    expect(again.changes[0]?.path).toMatch(/^nothing to change/);
  });

  it("keeps them without an answer (a rerun of init changes nothing), or when told no", async () => {
    const root = copyWorkspace();
    const changes = watchTree(root);
    for (const answers of [[...keep], [...keep, "no"], [...keep, "_"]]) {
      const run = await runGenerator(root, "init", answers);
      expect(run.failures).toEqual([]);
      expect(changes().filter((file) => file.startsWith("tools/"))).toEqual([]);
    }
  });

  it("refuses, writing nothing, while CI still runs them", async () => {
    const root = copyWorkspace();
    const workflow = path.join(root, ".github/workflows/bench.yml");
    mkdirSync(path.dirname(workflow), { recursive: true });
    writeFileSync(workflow, "jobs:\n  bench:\n    steps:\n      - run: pnpm bench --smoke\n");
    const changes = watchTree(root);

    const run = await runGenerator(root, "init", [...keep, "yes"]);

    expect(run.failures.join("\n")).toContain(".github/workflows/bench.yml:4: - run: pnpm bench --smoke");
    expect(changes()).toEqual([]);
  });

  it("refuses an answer that is not yes or no", async () => {
    const run = await runGenerator(copyWorkspace(), "init", [...keep, "maybe"]);
    expect(run.failures.join("\n")).toContain('removeMaintainers: "maybe" must be yes or no');
  });

  it("puts everything back when pnpm install fails", async () => {
    vi.stubEnv("PLOP_SKIP_INSTALL", "");
    const root = copyWorkspace();
    // Not a missing workspace package: init draws the workspace graph, which would refuse it before installing.
    breakInstall(root, oldScope, { missing: "file:../missing" });
    const changes = watchTree(root, "content");

    const run = await runGenerator(root, "init", [...keep, "yes"]);

    const failure = run.failures.join("\n");
    expect(failure).toContain("pnpm install --offline --no-frozen-lockfile exited with 1");
    expect(failure).toContain(
      `and ${MAINTAINERS_DIR}, ${maintainersOutputs(REPO_ROOT).join(", ")}; pnpm-lock.yaml restored`,
    );
    expect(changes()).toEqual([]);
  });
});
