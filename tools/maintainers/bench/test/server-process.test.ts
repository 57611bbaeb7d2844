import { describe, expect, it } from "vitest";
import { parseVmHwm, peakRss } from "../src/server-process.ts";

describe("peak RSS", () => {
  it("reads VmHWM from /proc/<pid>/status, in bytes", () => {
    expect(parseVmHwm("Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   123736 kB\nVmRSS:\t 100 kB\n")).toBe(123736 * 1024);
    expect(parseVmHwm("Name:\tnode\n")).toBeNull();
  });

  it.runIf(process.platform === "linux")("measures a live process: this one", () => {
    const peak = peakRss(process.pid);
    expect(peak).toBeGreaterThanOrEqual(process.memoryUsage().rss / 2);
  });
});
