import { readFileSync } from "node:fs";
import path from "node:path";
import { nodeMajor } from "@repo/service-contract";
import { describe, expect, it } from "vitest";
import { BuildspecError, commandTitle, parseBuildspec } from "../src/buildspec.ts";
import { runtimeNotes } from "../src/rehearsal.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

function spec(body: string): string {
  return `version: 0.2\n${body}`;
}

describe("parseBuildspec on the repository's buildspec.yml", () => {
  const buildspec = parseBuildspec(readFileSync(path.join(REPO_ROOT, "buildspec.yml"), "utf8"));

  it("reads the shell, the exported variables and every phase's commands", () => {
    expect(buildspec.shell).toBe("bash");
    expect(buildspec.exportedVariables).toEqual(["IMAGE_TAG", "IMAGE_URI", "IMAGE_DIGEST"]);
    expect(Object.keys(buildspec.phases)).toEqual(["install", "pre_build", "build", "post_build"]);
    expect(buildspec.phases.install?.runtimeVersions).toEqual({ nodejs: String(nodeMajor(REPO_ROOT)) });
    expect(buildspec.phases.build?.commands).toHaveLength(1);
    expect(buildspec.phases.build?.commands[0]).toContain("docker buildx build");
  });

  it("reads the artifacts the Deploy stage gets", () => {
    expect(buildspec.artifacts).toEqual({
      baseDirectory: ".artifacts/deploy",
      files: ["taskdef.json", "appspec.yaml", "imageDetail.json"],
      discardPaths: true,
    });
  });
});

describe("parseBuildspec", () => {
  it("defaults to sh (CodeBuild's Linux default) and keeps env.variables as strings", () => {
    const parsed = parseBuildspec(
      spec("env:\n  variables:\n    RETRIES: 3\n    NAME: app\nphases:\n  build:\n    commands:\n      - echo hi\n"),
    );
    expect(parsed.shell).toBe("sh");
    expect(parsed.variables).toEqual({ RETRIES: "3", NAME: "app" });
    expect(parsed.artifacts).toBeUndefined();
  });

  it("accepts the version written as a string", () => {
    expect(() => parseBuildspec('version: "0.2"\nphases:\n  build:\n    commands: ["true"]\n')).not.toThrow();
  });

  it("notes a cache section instead of failing (it only changes speed)", () => {
    const parsed = parseBuildspec(spec("phases:\n  build:\n    commands: [ls]\ncache:\n  paths: [a]\n"));
    expect(parsed.notes).toEqual([expect.stringContaining("cache")]);
  });

  const rejected: [string, string, RegExp][] = [
    [
      "version 0.1",
      "version: 0.1\nphases:\n  build:\n    commands: [ls]\n",
      /buildspec\.yml:1: version must be 0\.2 \(found 0\.1\)/,
    ],
    ["a missing version", "phases:\n  build:\n    commands: [ls]\n", /version must be 0\.2 \(found none\)/],
    [
      "an unknown top-level key",
      spec("phases:\n  build:\n    commands: [ls]\nreports:\n  r: {}\n"),
      /:5: `reports` is not supported/,
    ],
    [
      "a finally block",
      spec("phases:\n  build:\n    commands: [ls]\n    finally: [ls]\n"),
      /:5: phases\.build\.finally is not supported/,
    ],
    [
      "on-failure",
      spec("phases:\n  build:\n    on-failure: CONTINUE\n    commands: [ls]\n"),
      /phases\.build\.on-failure is not supported/,
    ],
    ["an unknown phase", spec("phases:\n  deploy:\n    commands: [ls]\n"), /:3: phases\.deploy: unknown phase/],
    [
      "parameter-store",
      spec("env:\n  parameter-store:\n    X: /x\nphases: {}\n"),
      /env\.parameter-store is not supported/,
    ],
    [
      "a shell it cannot emulate",
      spec("env:\n  shell: powershell.exe\nphases: {}\n"),
      /env\.shell: "powershell\.exe" is not emulated/,
    ],
    [
      "a command that is not a string",
      spec("phases:\n  build:\n    commands:\n      - 42\n"),
      /:5: phases\.build\.commands\[0\]: expected a string/,
    ],
    [
      "runtime-versions outside install",
      spec("phases:\n  build:\n    runtime-versions:\n      nodejs: 24\n"),
      /runtime-versions in install only/,
    ],
    ["artifacts without files", spec("phases: {}\nartifacts:\n  base-directory: out\n"), /artifacts\.files: required/],
    [
      "secondary artifacts",
      spec("phases: {}\nartifacts:\n  files: [a]\n  secondary-artifacts: {}\n"),
      /artifacts\.secondary-artifacts is not supported/,
    ],
    [
      "a bad discard-paths",
      spec("phases: {}\nartifacts:\n  files: [a]\n  discard-paths: maybe\n"),
      /discard-paths: expected yes or no/,
    ],
    [
      "an invalid variable name",
      spec("env:\n  variables:\n    BAD-NAME: x\nphases: {}\n"),
      /"BAD-NAME" is not a valid variable name/,
    ],
    ["broken YAML", spec("phases:\n  build:\n    commands: [ls\n"), /buildspec\.yml(:\d+)?: not valid YAML/],
    [
      "a duplicate key",
      spec("phases:\n  build:\n    commands: [ls]\n  build:\n    commands: [ls]\n"),
      /not valid YAML/,
    ],
  ];
  it.each(rejected)("rejects %s, naming the file, line and field", (_name, text, message) => {
    expect(() => parseBuildspec(text)).toThrow(BuildspecError);
    expect(() => parseBuildspec(text)).toThrow(message);
  });
});

describe("commandTitle", () => {
  it("shows a one-line command as it is", () => {
    expect(commandTitle('export IMAGE_URI="$REPOSITORY_URI:$IMAGE_TAG"')).toBe(
      'export IMAGE_URI="$REPOSITORY_URI:$IMAGE_TAG"',
    );
  });

  it("skips a leading set line and counts the lines of a multi-line command", () => {
    expect(commandTitle("set -euo pipefail\nmkdir -p out\ndocker build .\n")).toBe("mkdir -p out … (3 lines)");
  });

  it("picks the continued command line of a script (the command the script is for)", () => {
    expect(commandTitle("set -euo pipefail\nmkdir -p out\ndocker buildx build \\\n  --push \\\n  .\n")).toBe(
      "docker buildx build … (5 lines)",
    );
  });

  it("cuts a long line", () => {
    const title = commandTitle(`echo ${"x".repeat(200)}`, 20);
    expect(title).toHaveLength(20);
    expect(title.endsWith("…")).toBe(true);
    expect(commandTitle(`echo ${"x".repeat(200)}\necho done`, 20)).toBe(`echo ${"x".repeat(14)}… (2 lines)`);
  });
});

describe("runtimeNotes: the runtime selection CodeBuild makes", () => {
  const install = (runtimes: string) =>
    parseBuildspec(spec(`phases:\n  install:\n    runtime-versions:\n${runtimes}    commands: ["true"]\n`));

  it("accepts the Node.js major that runs the rehearsal", () => {
    expect(runtimeNotes(install("      nodejs: 24\n"), "24.22.3")).toEqual([]);
  });

  it("refuses to rehearse on another Node.js major, naming both and the fix", () => {
    expect(() => runtimeNotes(install("      nodejs: 24\n"), "22.21.0")).toThrow(
      /asks for nodejs 24, but the rehearsal runs on Node 22\.21\.0; run it on Node 24/,
    );
  });

  it("notes the runtimes it does not select", () => {
    expect(runtimeNotes(install("      python: 3.12\n"), "24.1.0")).toEqual([
      "runtime-versions python: 3.12 is not selected here; the machine's own python is used",
    ]);
  });
});
