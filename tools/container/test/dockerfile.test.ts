import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { argDefault, argInstructions } from "../src/dockerfile.ts";
import { findRepoRoot, workspaceToolVersions } from "../src/workspace.ts";

describe("argInstructions", () => {
  it("reads names, defaults (unquoted) and lines", () => {
    const text = [
      "ARG NODE_IMAGE=public.ecr.aws/docker/library/node:24-bookworm-slim",
      "FROM node:24 AS build",
      '  ARG EMPTY=""',
      "ARG NO_DEFAULT",
      "arg lower='quoted value'",
      "RUN echo ARG NOT_AN_ARG=1",
    ].join("\n");
    expect(argInstructions(text)).toEqual([
      { name: "NODE_IMAGE", defaultValue: "public.ecr.aws/docker/library/node:24-bookworm-slim", line: 1 },
      { name: "EMPTY", defaultValue: "", line: 3 },
      { name: "NO_DEFAULT", defaultValue: undefined, line: 4 },
      { name: "lower", defaultValue: "quoted value", line: 5 },
    ]);
  });
});

describe("argDefault", () => {
  it("returns the default shared by every stage", () => {
    expect(argDefault("ARG A=1\nFROM x\nARG A=1\nARG A\n", "A")).toBe("1");
  });

  it("names both lines when stages disagree", () => {
    expect(() => argDefault("ARG A=1\nFROM x\nARG A=2\n", "A", "apps/x/Dockerfile")).toThrow(
      'apps/x/Dockerfile: ARG A defaults to "1" on line 1 but to "2" on line 3',
    );
  });

  it("names the file when the ARG is missing", () => {
    expect(() => argDefault("ARG B\n", "B", "apps/x/Dockerfile")).toThrow(
      "apps/x/Dockerfile: no ARG B with a default value",
    );
  });
});

// The pins below are what CodeBuild builds with; they must not drift from the versions the workspace runs.
describe("every service's Dockerfile", () => {
  const repoRoot = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
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
