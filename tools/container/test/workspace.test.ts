import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalogVersion, findRepoRoot, packageManagerPnpmVersion } from "../src/workspace.ts";

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

describe("findRepoRoot", () => {
  it("walks up to the folder with pnpm-workspace.yaml", () => {
    const root = mkdtempSync(path.join(tmpdir(), "repo-root-"));
    try {
      writeFileSync(path.join(root, "pnpm-workspace.yaml"), workspaceYaml);
      const deep = path.join(root, "apps", "orders", "src");
      mkdirSync(deep, { recursive: true });
      expect(findRepoRoot(deep)).toBe(root);
      expect(findRepoRoot(root)).toBe(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("fails clearly outside a workspace", () => {
    expect(() => findRepoRoot("/")).toThrow("no pnpm-workspace.yaml in / or any folder above it");
  });
});
