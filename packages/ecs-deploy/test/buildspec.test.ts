import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runIsolated } from "@repo/devkit/isolated";
import { nodeMajor } from "@repo/service-contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLI_FLAGS, ENV_FALLBACKS } from "../src/index.ts";
import { type FakeEcs, startFakeEcs } from "./support/fake-ecs.ts";
import {
  deployEnv,
  makeTempDir,
  PACKAGE_DIR,
  REPO_ROOT,
  removeDir,
  SUCCESS,
  writeBuildArtifacts,
} from "./support/fixtures.ts";

const text = await readFile(join(PACKAGE_DIR, "buildspec.yml"), "utf8");
const buildspec = parse(text);
const commands = (phase: "install" | "build"): string[] => buildspec.phases[phase].commands;
const header = text.slice(0, text.indexOf("version: 0.2"));

describe("the Deploy stage's buildspec.yml", () => {
  it("runs bash with the Node.js major of .nvmrc, which the bundle targets", () => {
    expect(buildspec.version).toBe(0.2);
    expect(buildspec.env.shell).toBe("bash");
    expect(buildspec.phases.install["runtime-versions"]).toEqual({ nodejs: nodeMajor(REPO_ROOT) });
  });

  it("installs only this package and what it is built from, then bundles it", () => {
    expect(commands("install")).toContain('pnpm install --frozen-lockfile --filter "@repo/ecs-deploy..."');
    expect(commands("install")).toContain("pnpm --filter @repo/ecs-deploy build");
  });

  it("documents every environment variable it or the CLI reads, and passes only flags the CLI knows", () => {
    const used = new Set(
      [...commands("build"), ...Object.values(ENV_FALLBACKS)]
        .flatMap((command) => [...command.matchAll(/\$?\{?([A-Z][A-Z0-9_]{2,})/g)].map((match) => match[1] as string))
        .filter((name) => !name.startsWith("CODEBUILD_SRC_DIR")),
    );
    for (const name of used)
      expect(header, `buildspec.yml header: ${name}`).toMatch(new RegExp(`^#\\s+${name}\\s`, "m"));
    const flags = commands("build").flatMap((command) =>
      [...command.matchAll(/ --([a-z-]+)/g)].map((match) => match[1]),
    );
    for (const flag of flags) expect(CLI_FLAGS).toContain(flag);
    expect(buildspec.env["exported-variables"]).toEqual(["SERVICE_DEPLOYMENT_ARN", "TASK_DEFINITION_ARN"]);
  });
});

describe("its build phase, run with bash as CodeBuild runs it", () => {
  let ecs: FakeEcs;
  let secondary: string;
  beforeEach(async () => {
    ecs = await startFakeEcs({ steps: SUCCESS });
    secondary = await makeTempDir();
    await writeBuildArtifacts(secondary);
  });
  afterEach(async () => {
    await ecs.close();
    await removeDir(secondary);
  });

  /** The phase's commands in one bash session (CodeBuild keeps variables between commands), then the exports. */
  const runBuildPhase = (env: Record<string, string>) => {
    const script = [
      ...commands("build"),
      'printf "exported %s %s\\n" "$SERVICE_DEPLOYMENT_ARN" "$TASK_DEFINITION_ARN"',
    ];
    return runIsolated("bash", ["-e", "-c", script.join("\n")], {
      cwd: REPO_ROOT,
      env: { HOME: secondary, ...deployEnv(ecs.url), ...env },
    });
  };

  it("deploys from the secondary input and exports the deployment's and task definition's ARNs", async () => {
    const result = await runBuildPhase({
      BUILD_OUTPUT_ARTIFACT: "BuildOutput",
      CODEBUILD_SRC_DIR_BuildOutput: secondary,
    });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^exported arn:aws:ecs:eu-west-1:123456789012:service-deployment\/bluegreen\/sample-service\/deployment-1 arn:aws:ecs:eu-west-1:123456789012:task-definition\/sample-service:8$/m,
    );
    expect(ecs.bodies("UpdateService")).toHaveLength(1);
  });

  it("stops with a clear message when the Build stage's artifact is not an input", async () => {
    const result = await runBuildPhase({ BUILD_OUTPUT_ARTIFACT: "BuildOutput" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      "no input artifact named BuildOutput: add the Build stage's output as a secondary input",
    );
    expect(ecs.requests).toEqual([]);
  });
});
