import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { endedChildrenCpuSeconds } from "../src/children-cpu.ts";

describe.skipIf(endedChildrenCpuSeconds() === null)("endedChildrenCpuSeconds", () => {
  it("grows by the CPU time of a child that ended, and not by its wall time", () => {
    const before = endedChildrenCpuSeconds() ?? 0;
    // 0.4 s of its own CPU time (however busy the machine), then 1.5 s asleep.
    const child = spawnSync(process.execPath, [
      "-e",
      "let x = 0; while (process.cpuUsage().user < 400_000) for (let i = 0; i < 1e6; i++) x += i; setTimeout(() => {}, 1500);",
    ]);
    expect(child.status).toBe(0);
    const used = (endedChildrenCpuSeconds() ?? 0) - before;
    expect(used).toBeGreaterThanOrEqual(0.4);
    expect(used).toBeLessThan(1.2);
  });
});
