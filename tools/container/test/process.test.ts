import { describe, expect, it } from "vitest";
import {
  CommandError,
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
    expect(result).toEqual({ exitCode: 0, stdout: "out\n", stderr: "err\n" });
    expect(lines.sort()).toEqual(["err", "out"]);
  });

  it("throws with the command, exit code and last output lines", async () => {
    const failing = runChecked(process.execPath, ["-e", "console.error('base image not found'); process.exit(125)"]);
    await expect(failing).rejects.toThrow(CommandError);
    await expect(failing).rejects.toThrow(/exited with code 125:\n {2}base image not found/);
  });

  it("names a command that is not installed", async () => {
    await expect(runCommand("no-such-engine-here", [])).rejects.toThrow(
      "`no-such-engine-here` is not installed (not found on PATH)",
    );
  });

  it("kills a command that outlives its timeout", async () => {
    const result = await runCommand(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 100 });
    expect(result.exitCode).toBeNull();
  });
});

describe("raceTimeout", () => {
  it("returns the value when it comes first, and 'timeout' otherwise", async () => {
    expect(await raceTimeout(Promise.resolve(0), 10_000)).toBe(0);
    expect(await raceTimeout(new Promise(() => {}), 1)).toBe("timeout");
  });
});
