import { describe, expect, it } from "vitest";
import { BuildFailure, type RehearsalResult } from "../src/rehearsal.ts";
import { formatBuildEvent, formatBuildFailure, formatSummary } from "../src/report.ts";

const DIGEST = `sha256:${"c".repeat(64)}`;

describe("formatBuildEvent", () => {
  it("shows each command with its phase and position, output indented, phase durations", () => {
    expect(formatBuildEvent({ type: "command-start", phase: "build", index: 1, count: 2, title: "make" })).toBe(
      "[build] 1/2 $ make",
    );
    expect(formatBuildEvent({ type: "output", phase: "build", line: "hello" })).toBe("    | hello");
    expect(
      formatBuildEvent({ type: "command-end", phase: "build", index: 1, exitCode: 0, durationMs: 5 }),
    ).toBeUndefined();
    expect(formatBuildEvent({ type: "command-end", phase: "build", index: 1, exitCode: 2, durationMs: 1500 })).toBe(
      "[build] command 1 failed (exit code 2) after 1.5 s",
    );
    expect(
      formatBuildEvent({
        type: "phase-end",
        phase: "install",
        outcome: { phase: "install", status: "succeeded", durationMs: 12_340, commandsRun: 3 },
      }),
    ).toBe("[install] succeeded in 12.3 s");
    expect(formatBuildEvent({ type: "phase-start", phase: "post_build", succeeding: false })).toContain(
      "CODEBUILD_BUILD_SUCCEEDING=0",
    );
  });
});

describe("formatBuildFailure", () => {
  it("names the phase and command, shows its last output and every later failure", () => {
    const failure = new BuildFailure(
      [
        {
          phase: "build",
          index: 1,
          title: "docker buildx build",
          command: "",
          exitCode: 1,
          signal: null,
          recentOutput: ["no space left"],
        },
        { phase: "post_build", index: 1, title: "if …", command: "", exitCode: 1, signal: null, recentOutput: [] },
      ],
      [
        { phase: "build", status: "failed", durationMs: 2000, commandsRun: 1 },
        { phase: "post_build", status: "failed", durationMs: 100, commandsRun: 1 },
      ],
      "/tmp/rehearse-x",
    );
    const text = formatBuildFailure(failure, "/repo/.artifacts/rehearsal/s");
    expect(text).toContain("rehearse: FAILED: phase build failed at command 1 (docker buildx build): exit code 1");
    expect(text).toContain("    no space left");
    expect(text).toContain("then phase post_build failed too, at command 1 (if …): exit code 1");
    expect(text).toContain("/repo/.artifacts/rehearsal/s was left as it was.");
    expect(text).toContain("/tmp/rehearse-x");
  });
});

describe("formatSummary", () => {
  it("lists engine, pinned image, digest check, artifacts, phases and total", () => {
    const result: RehearsalResult = {
      service: "sample-service",
      source: { commit: "1efc45404d75591f88acbddd2cf4460adb7870fd", dirty: true },
      engine: "buildah",
      registry: { address: "127.0.0.1:5000", started: true, kept: false, pid: 42, logFile: "/r/registry.log" },
      imageUri: `127.0.0.1:5000/sample-service@${DIGEST}`,
      digest: DIGEST,
      imageTag: "1efc454",
      artifactsDir: "/repo/.artifacts/rehearsal/sample-service",
      artifacts: ["appspec.yaml", "imageDetail.json", "taskdef.json"],
      exportedVariables: { IMAGE_TAG: "1efc454" },
      phases: [
        { phase: "install", seconds: 7.31, commands: 3 },
        { phase: "build", seconds: 30, commands: 1 },
      ],
      notes: [],
      totalSeconds: 41.25,
    };
    const text = formatSummary(result, "/repo");
    expect(text).toContain("SUCCEEDED");
    expect(text).toContain("+ uncommitted changes");
    expect(text).toContain(`127.0.0.1:5000 serves sample-service:1efc454 as ${DIGEST}`);
    expect(text).toContain(".artifacts/rehearsal/sample-service/: appspec.yaml, imageDetail.json, taskdef.json");
    expect(text).toContain("install 7.3 s, build 30.0 s");
    expect(text).toContain("41.3 s");
    expect(formatSummary({ ...result, registry: { ...result.registry, kept: true } }, "/repo")).toContain("kill 42");
  });
});
