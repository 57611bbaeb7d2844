import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  newestRunSummary,
  parseRunSummary,
  type TaskOutcome,
  tasksAffectedBy,
  taskTimes,
} from "../src/turbo-summary.ts";

/** The fields of a turbo 2 run summary (.turbo/runs/<id>.json) the bench reads, as turbo writes them. */
const summary = (tasks: { taskId: string; package: string; command: string; status: string }[]) =>
  JSON.stringify({
    id: "x",
    turboVersion: "2.11.11",
    tasks: tasks.map((task) => ({
      taskId: task.taskId,
      task: task.taskId.split("#")[1],
      package: task.package,
      command: task.command,
      cache: { local: task.status === "HIT", remote: false, status: task.status, timeSaved: 0 },
      execution: {
        startTime: 1000,
        endTime: 1000 + task.command.length * 1000,
        exitCode: task.taskId.endsWith("#lint") ? 1 : 0,
      },
    })),
  });

describe("parseRunSummary", () => {
  it("lists the tasks that have a command, each with its cache status", () => {
    const tasks = parseRunSummary(
      summary([
        { taskId: "@repo/a#test", package: "@repo/a", command: "vitest run", status: "MISS" },
        { taskId: "@repo/a#build", package: "@repo/a", command: "<NONEXISTENT>", status: "MISS" },
        { taskId: "//#lint", package: "//", command: "biome check .", status: "HIT" },
      ]),
    );
    expect(tasks).toEqual([
      { taskId: "@repo/a#test", package: "@repo/a", cache: "MISS", exitCode: 0, dependencies: [], durationMs: 10_000 },
      { taskId: "//#lint", package: "//", cache: "HIT", exitCode: 1, dependencies: [], durationMs: 13_000 },
    ]);
  });

  it("lists the time of each task that ran, the slowest first", () => {
    const outcome = (taskId: string, durationMs: number | null, cache: "HIT" | "MISS" = "MISS"): TaskOutcome => ({
      taskId,
      package: "@repo/x",
      cache,
      exitCode: 0,
      dependencies: [],
      durationMs,
    });
    const tasks = [outcome("@repo/a#test", 6000), outcome("@repo/b#test", 10_000), outcome("//#lint", 13_000, "HIT")];
    expect(taskTimes([...tasks, outcome("@repo/c#build", null)])).toEqual([
      "@repo/b#test 10.0 s",
      "@repo/a#test 6.0 s",
    ]);
  });

  it("refuses a file that is not a run summary", () => {
    expect(() => parseRunSummary("{}")).toThrow(/without a tasks list/);
  });
});

describe("newestRunSummary", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the newest summary written since the run started", () => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-turbo-summary-"));
    const runs = path.join(dir, ".turbo", "runs");
    mkdirSync(runs, { recursive: true });
    const old = path.join(runs, "old.json");
    writeFileSync(old, summary([{ taskId: "@repo/a#test", package: "@repo/a", command: "x", status: "MISS" }]));
    utimesSync(old, new Date(1000), new Date(1000));
    writeFileSync(
      path.join(runs, "new.json"),
      summary([{ taskId: "@repo/b#test", package: "@repo/b", command: "x", status: "HIT" }]),
    );
    expect(newestRunSummary(dir, 5000).map((task) => task.taskId)).toEqual(["@repo/b#test"]);
    expect(() => newestRunSummary(dir as string, Date.now() + 60_000)).toThrow(/turbo wrote no run summary/);
  });
});

describe("tasksAffectedBy", () => {
  const task = (taskId: string, dependencies: string[] = []): TaskOutcome => ({
    taskId,
    package: taskId.slice(0, taskId.lastIndexOf("#")),
    cache: "MISS",
    exitCode: 0,
    dependencies,
    durationMs: null,
  });

  it("is the package's tasks, the root tasks and everything that depends on them, transitively", () => {
    const tasks = [
      task("@repo/svc#build"),
      task("@repo/svc#test", ["@repo/svc#build"]),
      task("@repo/bench#test", ["@repo/svc#build"]),
      task("@repo/report#test", ["@repo/bench#test"]),
      task("@repo/other#test", ["@repo/lib#build"]),
      task("@repo/lib#build"),
      task("//#lint"),
    ];
    expect([...tasksAffectedBy("@repo/svc", tasks)].sort()).toEqual([
      "//#lint",
      "@repo/bench#test",
      "@repo/report#test",
      "@repo/svc#build",
      "@repo/svc#test",
    ]);
  });
});
