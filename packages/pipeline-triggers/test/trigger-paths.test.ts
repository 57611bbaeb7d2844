import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEPLOY_STAGE_INPUTS,
  readWorkspace,
  triggerPathsFor,
  triggerPathsForAllServices,
  WorkspaceError,
} from "../src/index.ts";
import { sampleLikeTriggerPaths } from "./support/sample-paths.ts";
import { createWorkspace, removeWorkspaces } from "./support/temp-workspace.ts";

afterEach(removeWorkspaces);

const ROOT_FILES = {
  "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
  "package.json": '{ "name": "root", "private": true }\n',
  "turbo.json": "{}\n",
  "buildspec.yml": "version: 0.2\n",
  "appspec.yaml": "version: 0.0\n",
  "taskdef.template.json": "{}\n",
  ".dockerignore": "**/node_modules\n",
  "README.md": "# not a build input\n",
  "docs/guide.md": "not a build input\n",
};

function manifest(port: number, name: string): string {
  return `${JSON.stringify({ name, port })}\n`;
}

describe("triggerPathsFor", () => {
  it("lists a sample-like service's own folder, the root files that exist, its tsconfig package and the Build-stage tool", () => {
    const root = createWorkspace({
      packages: {
        "apps/sample": { name: "@repo/sample", devDependencies: { "@repo/tsconfig": "workspace:*", vitest: "4.1.12" } },
        "apps/sample-v2": { name: "@repo/sample-v2" },
        "packages/tsconfig": { name: "@repo/tsconfig" },
        "packages/create-new-task-def": { name: "@repo/create-new-task-def", dependencies: { yaml: "2.9.1" } },
        "packages/unused": { name: "@repo/unused" },
      },
      files: ROOT_FILES,
    });

    expect(triggerPathsFor(root, "apps/sample")).toEqual(sampleLikeTriggerPaths("apps/sample"));
  });

  it("adds .npmrc only when the repository has one, and leaves out root files that do not exist", () => {
    const packages = { "apps/sample": { name: "@repo/sample" } };
    const without = createWorkspace({ packages, files: { "pnpm-lock.yaml": "" } });
    const withNpmrc = createWorkspace({
      packages,
      files: { "pnpm-lock.yaml": "", ".npmrc": "auto-install-peers=true\n" },
    });

    expect(triggerPathsFor(without, "apps/sample")).toEqual(["apps/sample/", "pnpm-lock.yaml", "pnpm-workspace.yaml"]);
    expect(triggerPathsFor(withNpmrc, "apps/sample/")).toEqual([
      ".npmrc",
      "apps/sample/",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
    ]);
  });

  it("follows workspace dependencies transitively through every dependency field and reference form", () => {
    const root = createWorkspace({
      globs: ["apps/*", "packages/*", "tools/build-kit"],
      packages: {
        "apps/orders": {
          name: "@repo/orders",
          dependencies: { "@repo/shared": "workspace:^" },
          peerDependencies: { "@repo/peer": "workspace:*" },
          optionalDependencies: { "my-alias": "workspace:@repo/aliased@*" },
          devDependencies: {
            "@repo/by-path": "workspace:../../packages/by-path",
            "@repo/linked": "link:../../tools/build-kit",
          },
        },
        "apps/billing": { name: "@repo/billing", dependencies: { "@repo/billing-only": "workspace:*" } },
        // A plain range on a workspace package name still counts: the build may link it.
        "packages/shared": { name: "@repo/shared", dependencies: { "@repo/core": "0.0.0", express: "5.3.0" } },
        "packages/core": { name: "@repo/core", devDependencies: { "@repo/deep": "catalog:" } },
        "packages/deep": { name: "@repo/deep" },
        "packages/peer": { name: "@repo/peer" },
        "packages/aliased": { name: "@repo/aliased" },
        "packages/by-path": { name: "@repo/by-path" },
        "packages/billing-only": { name: "@repo/billing-only" },
        "tools/build-kit": { name: "@repo/build-kit" },
        "tools/not-in-workspace": { name: "@repo/not-in-workspace" },
      },
      files: { "pnpm-lock.yaml": "" },
    });

    expect(triggerPathsFor(root, "apps/orders")).toEqual([
      "apps/orders/",
      "packages/aliased/",
      "packages/by-path/",
      "packages/core/",
      "packages/deep/",
      "packages/peer/",
      "packages/shared/",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "tools/build-kit/",
    ]);
    expect(triggerPathsFor(root, "apps/billing")).toEqual([
      "apps/billing/",
      "packages/billing-only/",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
    ]);
  });

  it("includes the Build-stage tool's own workspace dependencies", () => {
    const root = createWorkspace({
      packages: {
        "apps/sample": { name: "@repo/sample" },
        "packages/create-new-task-def": {
          name: "@repo/create-new-task-def",
          dependencies: { "@repo/service-contract": "workspace:*" },
        },
        "packages/service-contract": { name: "@repo/service-contract" },
      },
    });

    expect(triggerPathsFor(root, "apps/sample")).toEqual([
      "apps/sample/",
      "packages/create-new-task-def/",
      "packages/service-contract/",
      "pnpm-workspace.yaml",
    ]);
  });

  it("reports a dependency cycle with every step and the package.json it comes from", () => {
    const root = createWorkspace({
      packages: {
        "apps/orders": { name: "@repo/orders", dependencies: { "@repo/a": "workspace:*" } },
        "packages/a": { name: "@repo/a", dependencies: { "@repo/b": "workspace:*" } },
        "packages/b": { name: "@repo/b", devDependencies: { "@repo/a": "workspace:*" } },
      },
    });

    expect(() => triggerPathsFor(root, "apps/orders")).toThrow(WorkspaceError);
    expect(() => triggerPathsFor(root, "apps/orders")).toThrow(
      "workspace dependency cycle: @repo/a (packages/a/package.json) -> @repo/b (packages/b/package.json) -> @repo/a (packages/a/package.json)",
    );
  });

  it("reports a workspace: reference to a package the workspace does not have, naming file and field", () => {
    const root = createWorkspace({
      packages: {
        "apps/orders": { name: "@repo/orders", devDependencies: { "@repo/ghost": "workspace:*" } },
        "packages/real": { name: "@repo/real" },
      },
    });

    expect(() => triggerPathsFor(root, "apps/orders")).toThrow(
      'apps/orders/package.json: devDependencies.@repo/ghost: "workspace:*" refers to "@repo/ghost", which is not a workspace package (known: @repo/orders, @repo/real)',
    );
  });

  it("reports a workspace: path that points at no workspace package", () => {
    const root = createWorkspace({
      packages: { "apps/orders": { name: "@repo/orders", dependencies: { lib: "workspace:../../libs/missing" } } },
    });

    expect(() => triggerPathsFor(root, "apps/orders")).toThrow(
      'apps/orders/package.json: dependencies.lib: "workspace:../../libs/missing" points at no workspace package folder',
    );
  });

  it("rejects a service folder that is not a workspace package", () => {
    const root = createWorkspace({ packages: { "apps/orders": { name: "@repo/orders" } } });

    expect(() => triggerPathsFor(root, "apps/payments")).toThrow(
      /service folder "apps\/payments" is not a workspace package/,
    );
  });

  it("rejects pnpm-workspace.yaml patterns it does not understand instead of guessing", () => {
    const root = createWorkspace({ globs: ["apps/**"], packages: { "apps/orders": { name: "@repo/orders" } } });

    expect(() => triggerPathsFor(root, "apps/orders")).toThrow(
      'pnpm-workspace.yaml: packages: "apps/**" is not a supported pattern (only "dir/*" and "dir" are understood)',
    );
  });

  it("names the file when a package.json is not JSON, and when two packages share a name", () => {
    const broken = createWorkspace({ packages: {}, files: { "apps/orders/package.json": "{ nope" } });
    expect(() => triggerPathsFor(broken, "apps/orders")).toThrow(/^apps\/orders\/package\.json: is not valid JSON/);

    const twins = createWorkspace({
      packages: { "apps/a": { name: "@repo/same" }, "packages/b": { name: "@repo/same" } },
    });
    expect(() => triggerPathsFor(twins, "apps/a")).toThrow(
      'packages/b/package.json: name "@repo/same" is already used by apps/a/package.json',
    );
  });

  it("needs pnpm-workspace.yaml with a packages list", () => {
    const root = createWorkspace({
      packages: { "apps/a": { name: "@repo/a" } },
      files: { "pnpm-workspace.yaml": "catalog: {}\n" },
    });

    expect(() => triggerPathsFor(root, "apps/a")).toThrow(
      "pnpm-workspace.yaml: packages: must be a non-empty list of folder globs",
    );
  });
});

describe("triggerPathsForAllServices", () => {
  it("computes every service found by apps/*/service.json, reading the workspace once", () => {
    const root = createWorkspace({
      packages: {
        "apps/orders": { name: "@repo/orders", dependencies: { "@repo/shared": "workspace:*" } },
        "apps/billing": { name: "@repo/billing" },
        "apps/not-a-service": { name: "@repo/not-a-service" },
        "packages/shared": { name: "@repo/shared" },
      },
      files: {
        "apps/orders/service.json": manifest(3001, "orders"),
        "apps/billing/service.json": manifest(3002, "billing"),
        "pnpm-lock.yaml": "",
      },
    });

    expect(triggerPathsForAllServices(root)).toEqual([
      { service: "billing", dir: "apps/billing", paths: ["apps/billing/", "pnpm-lock.yaml", "pnpm-workspace.yaml"] },
      {
        service: "orders",
        dir: "apps/orders",
        paths: ["apps/orders/", "packages/shared/", "pnpm-lock.yaml", "pnpm-workspace.yaml"],
      },
    ]);
  });
});

describe("the real repository", () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  const sampleReady = existsSync(path.join(repoRoot, "apps/sample-service/package.json"));

  it.skipIf(!sampleReady)(
    "gives apps/sample-service its folder, its workspace packages and the shared build inputs",
    () => {
      const paths = triggerPathsFor(repoRoot, "apps/sample-service");
      const workspaceDirs = new Set(readWorkspace(repoRoot).packages.map((pkg) => `${pkg.dir}/`));

      expect(paths).toEqual([...paths].sort());
      expect(paths).toEqual(
        expect.arrayContaining(["apps/sample-service/", "packages/tsconfig/", "pnpm-lock.yaml", "package.json"]),
      );
      expect(paths).toEqual(expect.arrayContaining(["pnpm-workspace.yaml", "turbo.json"]));
      expect(paths).not.toContain("infra/");
      for (const entry of paths) {
        if (entry.endsWith("/")) expect(workspaceDirs).toContain(entry);
        else expect(statSync(path.join(repoRoot, entry)).isFile()).toBe(true);
      }
    },
  );
});

describe("the real repository's services", () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  const manifestReady = existsSync(path.join(repoRoot, "apps/sample-service/service.json"));

  it.skipIf(!manifestReady)("finds apps/sample-service by its service.json and gives it the same paths", () => {
    const sample = triggerPathsForAllServices(repoRoot).find((entry) => entry.dir === "apps/sample-service");

    expect(sample?.paths).toEqual(triggerPathsFor(repoRoot, "apps/sample-service"));
  });
});

describe("the Deploy stage's own inputs", () => {
  it("start an ECS-engine service's pipeline when the deploy step changes, and a CodeDeploy service's never", () => {
    const root = createWorkspace({
      packages: {
        "packages/ecs-deploy": { name: "@repo/ecs-deploy" },
        "apps/orders": { name: "@repo/orders" },
      },
      files: ROOT_FILES,
    });
    expect(triggerPathsFor(root, "apps/orders", "ecs")).toContain("packages/ecs-deploy/");
    expect(triggerPathsFor(root, "apps/orders", "codedeploy")).not.toContain("packages/ecs-deploy/");
    expect(DEPLOY_STAGE_INPUTS.ecs).toEqual(["packages/ecs-deploy/"]);
  });
});
