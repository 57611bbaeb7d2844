import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readWorkspace } from "@repo/pipeline-triggers";
import { deploymentConfigSchema } from "@repo/service-contract";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { listProjectFiles } from "../src/workspace/project-files.ts";
import { runGenerator } from "./support/plop.ts";
import {
  copyWorkspace,
  currentScope,
  readJson,
  readText,
  removeCopies,
  snapshotTree,
  treeChanges,
} from "./support/workspace.ts";

const oldScope = currentScope();
// Whatever the repository is called now, init moves it somewhere else.
const newScope = oldScope === "@acme" ? "@zeta" : "@acme";
const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

beforeEach(() => {
  vi.stubEnv("PLOP_SKIP_INSTALL", "1");
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(removeCopies);

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
    const before = snapshotTree(root);

    const run = await runGenerator(root, "init", [newScope, "shop", "eu-west-1", "shop-repo", "_", "release"]);

    expect(run.failures).toEqual([]);
    const changed = treeChanges(before, snapshotTree(root));
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
    for (const file of listProjectFiles(root)) {
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
    const before = snapshotTree(root);

    const again = await runGenerator(root, "init", answers);

    expect(again.failures).toEqual([]);
    expect(again.changes[0]?.path).toMatch(/^nothing to change: the repository already uses/);
    expect(again.changes[1]).toEqual({ type: "skip", path: "pnpm install not needed: no package was renamed" });
    expect(treeChanges(before, snapshotTree(root))).toEqual([]);

    // And with the defaults, which are the current settings.
    expect((await runGenerator(root, "init", [])).changes[0]?.path).toMatch(/^nothing to change/);
    expect(treeChanges(before, snapshotTree(root))).toEqual([]);
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
    const before = snapshotTree(root);

    expect((await runGenerator(root, "init", [...keep, CONNECTION_ARN, "acme/shop", "main"])).failures).toEqual([]);
    // The same scope: only the root package name and the deployment configuration change.
    expect(treeChanges(before, snapshotTree(root))).toEqual(["infra/deployment.config.json", "package.json"]);
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
  const cases: [string, string[], RegExp][] = [
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
  ];

  // One copy for every case: each must leave it exactly as it found it.
  const root = copyWorkspace();

  it.each(cases)("%s", async (_what, answers, message) => {
    const before = snapshotTree(root);
    const run = await runGenerator(root, "init", answers);
    expect(run.failures.join("\n")).toMatch(message);
    expect(treeChanges(before, snapshotTree(root))).toEqual([]);
  });
});
