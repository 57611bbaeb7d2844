import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface TaskOutcome {
  taskId: string;
  /** The package it belongs to ("//" for root tasks). */
  package: string;
  /** HIT: replayed from the cache; MISS: executed. */
  cache: "HIT" | "MISS";
  /** The task's exit code; null when it did not run to an end (cancelled after another task failed). */
  exitCode: number | null;
  /** The tasks it depends on (task ids). */
  dependencies: string[];
  /** How long it ran (turbo's start and end times); null when the summary gives none. */
  durationMs: number | null;
}

interface RunSummaryFile {
  tasks?: {
    taskId?: string;
    package?: string;
    command?: string;
    cache?: { status?: string };
    execution?: { exitCode?: number; startTime?: number; endTime?: number };
    dependencies?: string[];
  }[];
}

/** Tasks with a command, from a turbo run summary (TURBO_RUN_SUMMARY=true writes .turbo/runs/<id>.json). */
export function parseRunSummary(json: string): TaskOutcome[] {
  const summary = JSON.parse(json) as RunSummaryFile;
  if (!Array.isArray(summary.tasks)) throw new Error("turbo run summary without a tasks list");
  return summary.tasks
    .filter((task) => task.command !== undefined && task.command !== "<NONEXISTENT>")
    .map((task) => {
      const taskId = String(task.taskId);
      return {
        taskId,
        package: task.package ?? taskId.slice(0, taskId.lastIndexOf("#")),
        cache: task.cache?.status === "HIT" ? "HIT" : "MISS",
        exitCode: typeof task.execution?.exitCode === "number" ? task.execution.exitCode : null,
        dependencies: Array.isArray(task.dependencies) ? task.dependencies.map(String) : [],
        durationMs:
          typeof task.execution?.startTime === "number" && typeof task.execution.endTime === "number"
            ? task.execution.endTime - task.execution.startTime
            : null,
      };
    });
}

/** The newest run summary under <repo>/.turbo/runs that was written after `since` (epoch ms). */
export function newestRunSummary(repoRoot: string, since: number): TaskOutcome[] {
  const dir = path.join(repoRoot, ".turbo", "runs");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ file: path.join(dir, name), mtime: statSync(path.join(dir, name)).mtimeMs }))
    .filter((entry) => entry.mtime >= since)
    .sort((a, b) => b.mtime - a.mtime);
  const newest = files[0];
  if (!newest) throw new Error(`turbo wrote no run summary under ${dir}`);
  return parseRunSummary(readFileSync(newest.file, "utf8"));
}

/** "task 12.3 s" for every task that ran, the slowest first. */
export function taskTimes(tasks: readonly TaskOutcome[]): string[] {
  return tasks
    .filter((task) => task.cache === "MISS" && task.durationMs !== null)
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
    .map((task) => `${task.taskId} ${((task.durationMs ?? 0) / 1000).toFixed(1)} s`);
}

/**
 * The tasks a change to `packageName` may rerun: its own, the root tasks (they read the whole repository), and
 * every task that depends on one of those, directly or not.
 */
export function tasksAffectedBy(packageName: string, tasks: readonly TaskOutcome[]): Set<string> {
  const affected = new Set(
    tasks.filter((task) => task.package === packageName || task.package === "//").map((task) => task.taskId),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (!affected.has(task.taskId) && task.dependencies.some((dependency) => affected.has(dependency))) {
        affected.add(task.taskId);
        grew = true;
      }
    }
  }
  return affected;
}
