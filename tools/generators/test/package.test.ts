import { writeFileSync } from "node:fs";
import path from "node:path";
import { triggerPathsFor } from "@repo/pipeline-triggers";
import { describe, expect, it } from "vitest";
import { itRefuses, runGenerator } from "./support/plop.ts";
import { copyWorkspace, currentScope, readJson, readText, watchTree } from "./support/workspace.ts";

const scope = currentScope();

describe("pnpm plop package", () => {
  it("creates a just-in-time internal package in packages/<name>, and nothing else", async () => {
    const root = copyWorkspace();
    const changes = watchTree(root);

    const run = await runGenerator(root, "package", ["money", "Amounts in integer cents, and their formatting."]);

    expect(run.failures).toEqual([]);
    expect(changes()).toEqual([
      "packages/money/",
      "packages/money/README.md",
      "packages/money/package.json",
      "packages/money/src/",
      "packages/money/src/index.ts",
      "packages/money/test/",
      "packages/money/test/index.test.ts",
      "packages/money/tsconfig.json",
      "packages/money/vitest.config.ts",
    ]);
    expect(readJson(root, "packages/money/package.json")).toEqual({
      name: `${scope}/money`,
      version: "0.0.0",
      private: true,
      description: "Amounts in integer cents, and their formatting.",
      license: "MIT",
      type: "module",
      exports: { ".": "./src/index.ts" },
      scripts: { test: "vitest run", "check-types": "tsc -p tsconfig.json" },
      devDependencies: {
        [`${scope}/tsconfig`]: "workspace:*",
        "@types/node": "catalog:",
        typescript: "catalog:",
        vitest: "catalog:",
      },
    });
    expect(readJson(root, "packages/money/tsconfig.json")).toEqual({
      extends: `${scope}/tsconfig/base.json`,
      include: ["src", "test", "vitest.config.ts"],
    });
    expect(readText(root, "packages/money/src/index.ts")).toContain(`export const PACKAGE_NAME = "${scope}/money";`);
    expect(readText(root, "packages/money/README.md")).toContain(`"${scope}/money": "workspace:*"`);
  });

  it("keeps a description with quotes valid JSON", async () => {
    const root = copyWorkspace();
    const description = 'The "money" helpers & <friends>';
    expect((await runGenerator(root, "package", ["money", description])).failures).toEqual([]);
    expect(readJson(root, "packages/money/package.json").description).toBe(description);
  });

  it("starts the pipeline of a service that depends on it", async () => {
    const root = copyWorkspace();
    expect((await runGenerator(root, "package", ["money"])).failures).toEqual([]);
    expect(triggerPathsFor(root, "apps/sample-service")).not.toContain("packages/money/");

    const manifestFile = path.join(root, "apps/sample-service/package.json");
    const manifest = readJson<{ dependencies: Record<string, string> }>(root, "apps/sample-service/package.json");
    manifest.dependencies[`${scope}/money`] = "workspace:*";
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

    expect(triggerPathsFor(root, "apps/sample-service")).toContain("packages/money/");
  });
});

describe("pnpm plop package refuses, writing nothing", () => {
  itRefuses("package", [
    ["a name that is not kebab-case", ["Money"], /name: "Money" must be lowercase kebab-case/],
    ["a name with a trailing hyphen", ["money-"], /must be lowercase kebab-case/],
    ["a folder that exists", ["tsconfig"], /name: packages\/tsconfig already exists/],
    [
      "a package name that exists elsewhere",
      ["sample-service"],
      /the package @[\w-]+\/sample-service already exists \(apps\/sample-service\/package\.json\)/,
    ],
    ["no name at all", [], /name: is required/],
  ]);
});
