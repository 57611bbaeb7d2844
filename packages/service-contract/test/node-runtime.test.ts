// One Node.js major everywhere: .nvmrc names it, and every copy that cannot be derived from it must agree.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  CODEBUILD_IMAGE_NODE_MAJORS,
  esbuildNodeTarget,
  lambdaNodeRuntimeName,
  nodeMajor,
  OLDEST_SUPPORTED_NODE_MAJOR,
  SUPPORTED_NODE_ENGINES,
  workspaceRoot,
} from "../src/node-runtime.ts";

const ROOT = workspaceRoot(import.meta.dirname);
const MAJOR = nodeMajor(ROOT);
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const SKIPPED = new Set(["node_modules", "dist", "cdk.out", ".git", ".turbo", ".cache", ".artifacts"]);

/** Files under `dir` (relative to the root) whose path matches `pattern`. */
function filesUnder(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    let entries: string[];
    try {
      entries = readdirSync(path.join(ROOT, relative));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (SKIPPED.has(entry)) continue;
      const child = path.posix.join(relative, entry);
      if (statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else if (pattern.test(child)) found.push(child);
    }
  };
  walk(dir);
  return found.sort();
}

/** Every workspace package.json (root, apps, packages, infra, tools, the maintainers' tools). */
function packageJsonFiles(): string[] {
  return [
    "package.json",
    ...["apps", "packages", "tools"].flatMap((dir) => filesUnder(dir, /^[^/]+\/[^/]+\/package\.json$/)),
    ...filesUnder("tools/maintainers", /^tools\/maintainers\/[^/]+\/package\.json$/),
    "infra/package.json",
  ];
}

describe(".nvmrc is the one source of the Node.js major", () => {
  it("names a maintained line at least as new as the oldest supported", () => {
    expect(MAJOR).toBeGreaterThanOrEqual(OLDEST_SUPPORTED_NODE_MAJOR);
    expect(esbuildNodeTarget(ROOT)).toBe(`node${MAJOR}`);
    expect(lambdaNodeRuntimeName(ROOT)).toBe(`nodejs${MAJOR}.x`);
  });

  it("every service's Dockerfile defaults to a base image of that major", () => {
    const dockerfiles = filesUnder("apps", /^apps\/[^/]+\/Dockerfile$/);
    expect(dockerfiles.length).toBeGreaterThan(0);
    for (const file of dockerfiles) {
      const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(read(file))?.[1];
      expect(image, `${file}: ARG NODE_IMAGE`).toMatch(new RegExp(`/node:${MAJOR}-`));
    }
  });

  it("buildspec.yml selects that major, and CodeBuild's image offers it", () => {
    const buildspec = parse(read("buildspec.yml")) as { phases: { install: Record<string, unknown> } };
    expect(buildspec.phases.install["runtime-versions"], "buildspec.yml: install.runtime-versions").toEqual({
      nodejs: MAJOR,
    });
    expect(CODEBUILD_IMAGE_NODE_MAJORS).toContain(MAJOR);
  });

  it("no bundle names its own esbuild target, and no Lambda or CodeBuild image its own runtime", () => {
    const sources = [
      ...filesUnder("apps", /\/scripts\/[^/]+\.(ts|mjs)$/),
      ...filesUnder("packages", /\/(scripts|src)\/.+\.(ts|mjs)$/),
      ...filesUnder("tools", /\/src\/.+\.ts$/),
      ...filesUnder("infra", /^infra\/(lib|bin)\/.+\.ts$/),
    ];
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const text = read(file);
      expect(text, `${file}: an esbuild target written out`).not.toMatch(/target:\s*["'`]node\d+/);
      expect(text, `${file}: a Lambda runtime written out`).not.toMatch(/Runtime\.NODEJS_\d+_X/);
      expect(text, `${file}: a CodeBuild image written out`).not.toMatch(/LinuxBuildImage\.STANDARD_\d/);
    }
  });

  it("@types/node in the catalog is of that major", () => {
    const workspace = parse(read("pnpm-workspace.yaml")) as { catalog: Record<string, string> };
    expect(workspace.catalog["@types/node"]?.split(".")[0], "pnpm-workspace.yaml: catalog @types/node").toBe(
      String(MAJOR),
    );
  });

  it("every engines.node is the oldest supported line, from the release that strips types", () => {
    for (const file of packageJsonFiles()) {
      const engines = (JSON.parse(read(file)) as { engines?: { node?: string } }).engines;
      if (engines?.node !== undefined) {
        expect(engines.node, `${file}: engines.node`).toBe(SUPPORTED_NODE_ENGINES);
      }
    }
  });

  it("the GitHub workflow tests .nvmrc and the oldest supported line", () => {
    const workflow = parse(read(".github/workflows/ci.yml")) as {
      jobs: { test: { strategy: { matrix: { node: unknown[] } } } };
    };
    expect(workflow.jobs.test.strategy.matrix.node, ".github/workflows/ci.yml: matrix.node").toEqual([
      "nvmrc",
      String(OLDEST_SUPPORTED_NODE_MAJOR),
    ]);
  });

  it("CI's own Node and the stand-in base image are of that major", () => {
    const pinned = /^CI_NODE_VERSION="(\d+)\.\d+\.\d+"/m.exec(read(".ci/node.sh"))?.[1];
    expect(pinned, ".ci/node.sh: CI_NODE_VERSION").toBe(String(MAJOR));
    expect(read(".ci/container-base.sh"), ".ci/container-base.sh: NODE_VERSION").toContain(
      'readonly NODE_VERSION="$CI_NODE_VERSION"',
    );
  });
});

describe("AWS SDK clients", () => {
  it("every client comes from the catalog, and the catalog holds one version for all", () => {
    const workspace = parse(read("pnpm-workspace.yaml")) as { catalog: Record<string, string> };
    const catalogClients = Object.entries(workspace.catalog).filter(([name]) => name.startsWith("@aws-sdk/client-"));
    expect(new Set(catalogClients.map(([, version]) => version)).size, "catalog: AWS SDK client versions").toBe(1);
    for (const file of packageJsonFiles()) {
      const manifest = JSON.parse(read(file)) as Record<string, Record<string, string> | undefined>;
      for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
        for (const [name, range] of Object.entries(manifest[field] ?? {})) {
          if (name.startsWith("@aws-sdk/client-")) expect(range, `${file}: ${field}.${name}`).toBe("catalog:");
        }
      }
    }
  });
});
