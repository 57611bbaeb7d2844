import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CommandFailed,
  LineSplitter,
  lastLines,
  RecentLines,
  raceTimeout,
  runChecked,
  runCommand,
} from "../src/process.ts";

describe("LineSplitter", () => {
  it("joins chunks into whole lines and flushes the rest at the end", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push("STEP 1/3\r\nSTE");
    splitter.push("P 2/3\n\nSTEP");
    expect(lines).toEqual(["STEP 1/3", "STEP 2/3", ""]);
    splitter.end();
    expect(lines).toEqual(["STEP 1/3", "STEP 2/3", "", "STEP"]);
  });
});

describe("RecentLines", () => {
  it("keeps only the last lines", () => {
    const recent = new RecentLines(2);
    for (const line of ["a", "b", "c"]) recent.add(line);
    expect(recent.list()).toEqual(["b", "c"]);
    expect(() => new RecentLines(0)).toThrow(RangeError);
  });
});

describe("lastLines", () => {
  it("drops blank lines", () => {
    expect(lastLines("a\n\n b \n  \nc\n", 2)).toEqual([" b ", "c"]);
  });
});

describe("runCommand / runChecked", () => {
  it("streams lines of both outputs and returns them", async () => {
    const lines: string[] = [];
    const result = await runCommand(process.execPath, ["-e", "console.log('out'); console.error('err')"], {
      onLine: (line) => lines.push(line),
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, stdout: "out\n", stderr: "err\n", timedOut: false });
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(lines.sort()).toEqual(["err", "out"]);
  });

  it("throws with the command, exit code and last output lines", async () => {
    const failing = runChecked(process.execPath, ["-e", "console.error('base image not found'); process.exit(125)"]);
    await expect(failing).rejects.toThrow(CommandFailed);
    await expect(failing).rejects.toThrow(/exited with code 125:\n {2}base image not found/);
    const colored = runChecked(process.execPath, ["-e", "console.log('\\u001b[31mFAIL\\u001b[39m'); process.exit(1)"]);
    await expect(colored).rejects.toThrow(/exited with code 1:\n {2}FAIL$/);
  });

  it("names a command that is not installed", async () => {
    await expect(runCommand("no-such-engine-here", [])).rejects.toThrow(
      "`no-such-engine-here` is not installed (not found on PATH)",
    );
  });

  it("kills a command that outlives its timeout, and runChecked says so", async () => {
    const forever = ["-e", "setInterval(() => {}, 1000)"];
    const result = await runCommand(process.execPath, forever, { timeoutMs: 100 });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true });
    await expect(runChecked(process.execPath, forever, { timeoutMs: 100 })).rejects.toThrow(/` timed out$/);
  });

  it("stops the command's whole process group on an abort, killing it after the grace period", async () => {
    // A shell that ignores SIGTERM and starts a child that ignores it too: only the SIGKILL after the grace ends them.
    const script = `trap '' TERM; ${JSON.stringify(process.execPath)} -e "process.on('SIGTERM', () => {}); console.log(process.pid); setInterval(() => {}, 1000)" & wait`;
    const stop = new AbortController();
    let child: number | undefined;
    const running = runCommand("sh", ["-c", script], {
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
  });

  it("does not start when already aborted", async () => {
    const stop = new AbortController();
    stop.abort(new Error("too late"));
    await expect(runCommand(process.execPath, ["-e", ""], { signal: stop.signal })).rejects.toThrow("too late");
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

describe("raceTimeout", () => {
  it("returns the value when it comes first, and 'timeout' otherwise", async () => {
    expect(await raceTimeout(Promise.resolve(0), 10_000)).toBe(0);
    expect(await raceTimeout(new Promise(() => {}), 1)).toBe("timeout");
  });
});
