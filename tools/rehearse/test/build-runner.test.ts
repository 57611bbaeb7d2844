import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BuildEvent, type BuildOutcome, runBuildspec } from "../src/build-runner.ts";
import { parseBuildspec } from "../src/buildspec.ts";

// Real bash (or sh) runs each tiny buildspec; the files the commands write are the evidence.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  outcome: BuildOutcome;
  events: BuildEvent[];
  src: string;
  read(file: string): string;
}

async function run(
  buildspecYaml: string,
  options: { project?: Record<string, string>; image?: Record<string, string> } = {},
): Promise<Run> {
  const root = mkdtempSync(path.join(tmpdir(), "rehearse-runner-"));
  dirs.push(root);
  const src = path.join(root, "src");
  mkdirSync(path.join(src, "sub"), { recursive: true });
  writeFileSync(path.join(root, "buildspec.yml"), buildspecYaml);
  const events: BuildEvent[] = [];
  const outcome = await runBuildspec({
    buildspec: parseBuildspec(readFileSync(path.join(root, "buildspec.yml"), "utf8")),
    sourceDir: src,
    stateDir: path.join(root, "state"),
    imageEnvironment: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root, ...options.image },
    projectEnvironment: options.project ?? {},
    onEvent: (event) => events.push(event),
  });
  return { outcome, events, src, read: (file) => readFileSync(path.join(src, file), "utf8").trim() };
}

const bash = (phases: string) => `version: 0.2\nenv:\n  shell: bash\n${phases}`;

/** A bash buildspec whose build phase runs `commands`; a command with line breaks becomes a block scalar. */
const buildPhase = (...commands: string[]) =>
  bash(`phases:\n  build:\n    commands:\n${commands.map(yamlItem).join("")}`);
const yamlItem = (command: string) =>
  command.includes("\n")
    ? `      - |\n${command
        .split("\n")
        .map((line) => `        ${line}\n`)
        .join("")}`
    : `      - ${command}\n`;

describe("runBuildspec: variables and working directory", () => {
  it("carries exported variables from command to command and phase to phase", async () => {
    const { outcome, read } = await run(
      bash(`phases:
  install:
    commands:
      - export FROM_INSTALL=one
  pre_build:
    commands:
      - export FROM_PRE_BUILD="$FROM_INSTALL-two"
  build:
    commands:
      - echo "$FROM_PRE_BUILD" > seen-in-build
  post_build:
    commands:
      - echo "$FROM_INSTALL $FROM_PRE_BUILD" > seen-in-post-build
`),
    );
    expect(outcome.succeeded).toBe(true);
    expect(read("seen-in-build")).toBe("one-two");
    expect(read("seen-in-post-build")).toBe("one one-two");
    expect(outcome.environment.FROM_PRE_BUILD).toBe("one-two");
  });

  it("keeps values with quotes, spaces and newlines intact across the hand-over", async () => {
    const { read } = await run(
      bash(`phases:
  build:
    commands:
      - |
        export TRICKY="it's a \\"test\\"
        second line \\$HOME"
      - printf '%s' "$TRICKY" > tricky
`),
    );
    expect(read("tricky")).toBe('it\'s a "test"\nsecond line $HOME');
  });

  it("does not carry variables that were never exported (only exports persist)", async () => {
    const { read } = await run(buildPhase("PLAIN=set-but-not-exported", 'echo "[$PLAIN]" > plain'));
    expect(read("plain")).toBe("[]");
  });

  it("carries the working directory, and starts in CODEBUILD_SRC_DIR", async () => {
    const { read, src } = await run(
      bash(`phases:
  pre_build:
    commands:
      - pwd > start
      - cd sub
  build:
    commands:
      - pwd > where
`),
    );
    expect(read("start")).toBe(src);
    expect(read("sub/where")).toBe(path.join(src, "sub"));
  });

  it("lets the project's variables override env.variables, and env.variables override the image's", async () => {
    const { read } = await run(
      `version: 0.2
env:
  shell: bash
  variables:
    FROM_SPEC: spec
    OVERRIDDEN: spec
    IMAGE_SETTING: spec
phases:
  build:
    commands:
      - echo "$FROM_SPEC $OVERRIDDEN $IMAGE_SETTING" > precedence
`,
      { project: { OVERRIDDEN: "project" }, image: { IMAGE_SETTING: "image" } },
    );
    expect(read("precedence")).toBe("spec project spec");
  });

  it("gives the commands only the environment it was handed (nothing of this test process leaks)", async () => {
    process.env.REHEARSE_TEST_LEAK = "leaked";
    try {
      const { read } = await run(
        bash(`phases:\n  build:\n    commands:\n      - echo "[\${REHEARSE_TEST_LEAK:-}]" > leak\n`),
      );
      expect(read("leak")).toBe("[]");
    } finally {
      delete process.env.REHEARSE_TEST_LEAK;
    }
  });

  it("runs with sh when the buildspec asks for it", async () => {
    const { outcome, read } = await run(
      `version: 0.2\nphases:\n  build:\n    commands:\n      - export A=1\n      - echo "$A" > a\n`,
    );
    expect(outcome.succeeded).toBe(true);
    expect(read("a")).toBe("1");
  });
});

describe("runBuildspec: failures, as CodeBuild handles them", () => {
  it("stops a phase at its first failing command", async () => {
    const { outcome, src } = await run(buildPhase("touch first", "exit 3", "touch third"));
    expect(outcome.succeeded).toBe(false);
    expect(outcome.failures).toMatchObject([{ phase: "build", index: 2, exitCode: 3, title: "exit 3" }]);
    expect(existsSync(path.join(src, "first"))).toBe(true);
    expect(existsSync(path.join(src, "third"))).toBe(false);
  });

  it("runs post_build after a failed build with CODEBUILD_BUILD_SUCCEEDING=0, and the build stays failed", async () => {
    const { outcome, read, events } = await run(
      bash(`phases:
  pre_build:
    commands:
      - echo "$CODEBUILD_BUILD_SUCCEEDING" > during-pre-build
  build:
    commands:
      - export SET_BEFORE_FAILING=yes
      - "false"
  post_build:
    commands:
      - echo "$CODEBUILD_BUILD_SUCCEEDING $SET_BEFORE_FAILING" > during-post-build
`),
    );
    expect(read("during-pre-build")).toBe("1");
    expect(read("during-post-build")).toBe("0 yes");
    expect(outcome.succeeded).toBe(false);
    expect(outcome.phases.map((phase) => [phase.phase, phase.status])).toEqual([
      ["pre_build", "succeeded"],
      ["build", "failed"],
      ["post_build", "succeeded"],
    ]);
    expect(events).toContainEqual({ type: "phase-start", phase: "post_build", succeeding: false });
  });

  it("records a post_build failure after a build failure as a second failure", async () => {
    const { outcome } = await run(
      bash(`phases:
  build:
    commands: ["false"]
  post_build:
    commands:
      - '[ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ] || exit 7'
`),
    );
    expect(outcome.failures.map((failure) => [failure.phase, failure.exitCode])).toEqual([
      ["build", 1],
      ["post_build", 7],
    ]);
  });

  it.each(["install", "pre_build"])("ends the build at once when %s fails", async (failing) => {
    const { outcome, src } = await run(
      bash(`phases:
  install:
    commands:
      - ${failing === "install" ? '"false"' : "touch install-ran"}
  pre_build:
    commands:
      - ${failing === "pre_build" ? '"false"' : "touch pre-build-ran"}
  build:
    commands:
      - touch build-ran
  post_build:
    commands:
      - touch post-build-ran
`),
    );
    expect(outcome.succeeded).toBe(false);
    expect(outcome.phases.at(-1)?.phase).toBe(failing);
    expect(existsSync(path.join(src, "build-ran"))).toBe(false);
    expect(existsSync(path.join(src, "post-build-ran"))).toBe(false);
  });

  it("confines a command's set -e to that command, as each command runs in a shell of its own", async () => {
    const { outcome, read } = await run(buildPhase("set -e", "false\necho still-running > after-false"));
    expect(outcome.succeeded).toBe(true);
    expect(read("after-false")).toBe("still-running");
  });

  it("stops a multi-line command at its first failing line when it starts with set -euo pipefail", async () => {
    const { outcome, src } = await run(buildPhase("set -euo pipefail\nfalse | cat\ntouch not-reached"));
    expect(outcome.failures).toMatchObject([{ phase: "build", index: 1, exitCode: 1 }]);
    expect(existsSync(path.join(src, "not-reached"))).toBe(false);
  });

  it("keeps each failing command's last output lines for the error message", async () => {
    const { outcome } = await run(
      bash(
        `phases:\n  build:\n    commands:\n      - |\n        echo to-stdout\n        echo to-stderr >&2\n        exit 2\n`,
      ),
    );
    expect(outcome.failures[0]?.recentOutput).toEqual(["to-stdout", "to-stderr"]);
  });
});

describe("runBuildspec: progress events", () => {
  it("announces each command with its phase, streams output and times each phase", async () => {
    const { events } = await run(bash(`phases:\n  build:\n    commands:\n      - echo hello\n      - "true"\n`));
    expect(events.map((event) => event.type)).toEqual([
      "phase-start",
      "command-start",
      "output",
      "command-end",
      "command-start",
      "command-end",
      "phase-end",
    ]);
    expect(events[1]).toEqual({ type: "command-start", phase: "build", index: 1, count: 2, title: "echo hello" });
    expect(events[2]).toEqual({ type: "output", phase: "build", line: "hello" });
    const end = events.at(-1);
    expect(end?.type === "phase-end" && end.outcome.durationMs).toBeGreaterThan(0);
  });
});
