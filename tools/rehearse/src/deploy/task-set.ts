// A task set: the tasks of one task definition revision, started with a launcher (containers through the engine layer
// of @repo/container; the tests' launcher starts plain processes) and stopped as ECS stops tasks.
import type { ContainerEngine, RunningContainer, StopResult } from "@repo/container";
import type { TaskRunSettings } from "./task-definition.ts";
import type { Side } from "./topology.ts";

/** What the rehearsal needs of a running task. */
export type RunningTask = Pick<RunningContainer, "hostPort" | "exited" | "stop" | "remove" | "recentLogs">;

export interface LaunchRequest {
  settings: TaskRunSettings;
  /** e.g. green-1, the prefix of its output lines. */
  name: string;
  onLine: (line: string) => void;
}

export type TaskLauncher = (request: LaunchRequest) => Promise<RunningTask>;

/** Tasks as containers, run by the engine as the task definition says (see task-definition.ts for what maps where). */
export function containerLauncher(engine: ContainerEngine): TaskLauncher {
  return ({ settings, onLine }) =>
    engine.run({
      image: settings.image,
      containerPort: settings.containerPort,
      env: settings.environment,
      ...(settings.user === undefined ? {} : { user: settings.user }),
      readOnlyRootFilesystem: settings.readOnlyRootFilesystem,
      onLine,
    });
}

export interface StoppedTask {
  name: string;
  stop: StopResult;
}

export class TaskSet {
  private removed = false;
  private stopping = false;
  private readonly exits = new Map<number, number | null>();

  private constructor(
    readonly side: Side,
    readonly settings: TaskRunSettings,
    readonly tasks: readonly RunningTask[],
  ) {
    tasks.forEach((task, index) => {
      void task.exited.then((exitCode) => this.exits.set(index, exitCode));
    });
  }

  /** Starts `count` tasks at once; if one fails to start, those that did are removed. */
  static async start(
    launcher: TaskLauncher,
    side: Side,
    settings: TaskRunSettings,
    count: number,
    onLine: (task: string, line: string) => void,
  ): Promise<TaskSet> {
    const launches = await Promise.allSettled(
      Array.from({ length: count }, (_, index) => {
        const name = taskName(side, index);
        return launcher({ settings, name, onLine: (line) => onLine(name, line) });
      }),
    );
    const started = launches.flatMap((launch) => (launch.status === "fulfilled" ? [launch.value] : []));
    const failed = launches.find((launch): launch is PromiseRejectedResult => launch.status === "rejected");
    if (failed) {
      await Promise.all(started.map((task) => task.remove()));
      throw failed.reason;
    }
    return new TaskSet(side, settings, started);
  }

  /** A task that exited on its own (not stopped by the rehearsal), with its exit code and last output. */
  exitedTask(): { name: string; exitCode: number | null; logs: string[] } | undefined {
    if (this.stopping) return undefined;
    const [index, exitCode] = [...this.exits][0] ?? [];
    if (index === undefined || exitCode === undefined) return undefined;
    return { name: taskName(this.side, index), exitCode, logs: this.tasks[index]?.recentLogs() ?? [] };
  }

  /** What ECS does to stop a task: the stop signal, then SIGKILL after the task definition's stopTimeout. */
  async stop(): Promise<StoppedTask[]> {
    this.stopping = true;
    const timeoutMs = this.settings.stopTimeoutSeconds * 1000;
    return Promise.all(
      this.tasks.map(async (task, index) => ({ name: taskName(this.side, index), stop: await task.stop(timeoutMs) })),
    );
  }

  /** Removes every task (killing what still runs). Safe to call more than once. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await Promise.all(this.tasks.map((task) => task.remove()));
  }
}

export function taskName(side: Side, index: number): string {
  return `${side}-${index + 1}`;
}
