import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { argDefault } from "@repo/container";
import { workspaceRoot } from "@repo/service-contract";
import { describe, expect, it } from "vitest";
import { catalogVersion, packageManagerPnpmVersion, workspaceToolVersions } from "./support/workspace-pins.ts";

const workspaceYaml = `packages:
  - apps/*
  - tools/*

# a comment
catalog:
  "@biomejs/biome": 2.6.8
  'quoted': "1.2.3"
  turbo: 2.11.11 # pinned

onlyBuiltDependencies:
  - turbo
`;

describe("catalogVersion", () => {
  it("reads plain and quoted entries of the top-level catalog", () => {
    expect(catalogVersion(workspaceYaml, "turbo")).toBe("2.11.11");
    expect(catalogVersion(workspaceYaml, "@biomejs/biome")).toBe("2.6.8");
    expect(catalogVersion(workspaceYaml, "quoted")).toBe("1.2.3");
  });

  it("does not read past the catalog", () => {
    expect(() => catalogVersion(workspaceYaml, "onlyBuiltDependencies")).toThrow("pins no version");
  });

  it("says what is missing", () => {
    expect(() => catalogVersion(workspaceYaml, "vitest")).toThrow(
      "pnpm-workspace.yaml's catalog pins no version of vitest",
    );
    expect(() => catalogVersion("packages:\n  - a\n", "turbo")).toThrow("has no top-level catalog");
  });
});

describe("packageManagerPnpmVersion", () => {
  it("reads pnpm@x.y.z, with or without a hash", () => {
    expect(packageManagerPnpmVersion('{"packageManager":"pnpm@10.34.9"}')).toBe("10.34.9");
    expect(packageManagerPnpmVersion('{"packageManager":"pnpm@10.34.9+sha512.abc"}')).toBe("10.34.9");
  });

  it("rejects other package managers and a missing field", () => {
    expect(() => packageManagerPnpmVersion('{"packageManager":"yarn@4.0.0"}')).toThrow('is not "pnpm@<x.y.z>"');
    expect(() => packageManagerPnpmVersion("{}")).toThrow('is not "pnpm@<x.y.z>"');
  });
});

// The pins below are what CodeBuild builds with; they must not drift from the versions the workspace runs.
describe("every service's Dockerfile", () => {
  const repoRoot = workspaceRoot(fileURLToPath(import.meta.url));
  const versions = workspaceToolVersions(repoRoot);
  const nodeMajor = readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim();
  const dockerfiles = readdirSync(path.join(repoRoot, "apps"))
    .map((service) => path.join("apps", service, "Dockerfile"))
    .filter((file) => existsSync(path.join(repoRoot, file)));

  it("exists for the sample service", () => {
    expect(dockerfiles).toContain(path.join("apps", "sample-service", "Dockerfile"));
  });

  it.each(dockerfiles)("%s pins turbo and pnpm to the workspace's versions and Node to .nvmrc", (file) => {
    const text = readFileSync(path.join(repoRoot, file), "utf8");
    expect(argDefault(text, "TURBO_VERSION", file)).toBe(versions.turbo);
    expect(argDefault(text, "PNPM_VERSION", file)).toBe(versions.pnpm);
    expect(argDefault(text, "NODE_IMAGE", file)).toBe(`public.ecr.aws/docker/library/node:${nodeMajor}-bookworm-slim`);
  });
});
