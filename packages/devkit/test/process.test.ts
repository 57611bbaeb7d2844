import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as processes from "../src/process.ts";

describe("processes.LineSplitter", () => {
  it("joins chunks into whole lines and flushes the rest at the end", () => {
    const lines: string[] = [];
    const splitter = new processes.LineSplitter((line) => lines.push(line));
    splitter.push("STEP 1/3\r\nSTE");
    splitter.push("P 2/3\n\nSTEP");
    expect(lines).toEqual(["STEP 1/3", "STEP 2/3", ""]);
    splitter.end();
    expect(lines).toEqual(["STEP 1/3", "STEP 2/3", "", "STEP"]);
  });
});

describe("processes.RecentLines", () => {
  it("keeps only the last lines", () => {
    const recent = new processes.RecentLines(2);
    for (const line of ["a", "b", "c"]) recent.add(line);
    expect(recent.list()).toEqual(["b", "c"]);
    expect(() => new processes.RecentLines(0)).toThrow(RangeError);
  });
});

describe("processes.lastLines", () => {
  it("drops blank lines", () => {
    expect(processes.lastLines("a\n\n b \n  \nc\n", 2)).toEqual([" b ", "c"]);
  });
});

describe("processes.runCommand / processes.runChecked", () => {
  it("streams lines of both outputs and returns them", async () => {
    const lines: string[] = [];
    const result = await processes.runCommand(process.execPath, ["-e", "console.log('out'); console.error('err')"], {
      onLine: (line) => lines.push(line),
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, stdout: "out\n", stderr: "err\n", timedOut: false });
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(lines.sort()).toEqual(["err", "out"]);
  });

  it("throws with the command, exit code and last output lines", async () => {
    const failing = processes.runChecked(process.execPath, [
      "-e",
      "console.error('base image not found'); process.exit(125)",
    ]);
    await expect(failing).rejects.toThrow(processes.CommandFailed);
    await expect(failing).rejects.toThrow(/exited with code 125:\n {2}base image not found/);
    const colored = processes.runChecked(process.execPath, [
      "-e",
      "console.log('\\u001b[31mFAIL\\u001b[39m'); process.exit(1)",
    ]);
    await expect(colored).rejects.toThrow(/exited with code 1:\n {2}FAIL$/);
  });

  it("names a command that is not installed", async () => {
    await expect(processes.runCommand("no-such-engine-here", [])).rejects.toThrow(
      "`no-such-engine-here` is not installed (not found on PATH)",
    );
  });

  it("kills a command that outlives its timeout, and processes.runChecked says so", async () => {
    const forever = ["-e", "setInterval(() => {}, 1000)"];
    const result = await processes.runCommand(process.execPath, forever, { timeoutMs: 100 });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true });
    await expect(processes.runChecked(process.execPath, forever, { timeoutMs: 100 })).rejects.toThrow(/` timed out$/);
  });

  it("stops the command's whole process group on an abort, killing it after the grace period", async () => {
    // A shell that ignores SIGTERM and starts a child that ignores it too: only the SIGKILL after the grace ends them.
    const script = `trap '' TERM; ${JSON.stringify(process.execPath)} -e "process.on('SIGTERM', () => {}); console.log(process.pid); setInterval(() => {}, 1000)" & wait`;
    const stop = new AbortController();
    let child: number | undefined;
    const running = processes.runCommand("sh", ["-c", script], {
      group: true,
      signal: stop.signal,
      killAfterMs: 200,
      onLine: (line) => {
        child = Number(line);
        stop.abort();
      },
    });
    const result = await running;
    expect(result.signal).toBe("SIGKILL");
    expect(child).toBeGreaterThan(0);
    expect(["gone", "Z"]).toContain(processState(child as number));
  }, 20_000);

  it("does not start when already aborted", async () => {
    const stop = new AbortController();
    stop.abort(new Error("too late"));
    await expect(processes.runCommand(process.execPath, ["-e", ""], { signal: stop.signal })).rejects.toThrow(
      "too late",
    );
  });
});

/** The state letter of /proc/<pid>/stat ("Z": exited, not yet reaped by its new parent), or "gone". */
function processState(pid: number): string {
  try {
    return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1] ?? "unknown";
  } catch {
    return "gone";
  }
}

describe("processes.raceTimeout", () => {
  it("returns the value when it comes first, and 'timeout' otherwise", async () => {
    expect(await processes.raceTimeout(Promise.resolve(0), 10_000)).toBe(0);
    expect(await processes.raceTimeout(new Promise(() => {}), 1)).toBe("timeout");
  });
});

describe("processes.followOutput", () => {
  it("streams both outputs of a running child line by line, keeping the last lines", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn("sh", ["-c", "echo one; echo two >&2; printf three"], { stdio: ["ignore", "pipe", "pipe"] });
    const seen: string[] = [];
    const recent = processes.followOutput(child, (line) => seen.push(line), 2);
    // "close": the child has exited and both streams have ended.
    await new Promise((resolve) => child.on("close", resolve));
    expect(seen.sort()).toEqual(["one", "three", "two"]);
    expect(recent.list()).toHaveLength(2);
  });
});
