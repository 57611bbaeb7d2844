// Every task's output in a file of its own (a request log would drown the progress), the folder replaced per run.
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from "node:fs";
import path from "node:path";

export class TaskLogs {
  private readonly streams = new Map<string, WriteStream>();

  constructor(readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  /** One line of a task's output, e.g. ("green-1", "...") into green-1.log. */
  write(task: string, line: string): void {
    let stream = this.streams.get(task);
    if (!stream) {
      stream = createWriteStream(path.join(this.dir, `${task}.log`));
      this.streams.set(task, stream);
    }
    stream.write(`${line}\n`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
  }
}
