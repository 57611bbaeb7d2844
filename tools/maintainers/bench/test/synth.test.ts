import { describe, expect, it } from "vitest";
import { CLI_PHASE, medianRun, phasesOf, type SynthPair, type SynthRun, synthFigures } from "../src/parts/synth.ts";

const run = (services: number, synthMs: number, phases: SynthRun["phases"]): SynthRun => ({
  services,
  synthMs,
  stacks: services + 1,
  phases,
});

describe("phasesOf", () => {
  it("adds the time the command spent outside the app's process", () => {
    const phases = phasesOf({ phases: { "process start": 100, "cdk-nag validation": 400 }, totalMs: 3000 }, 4200);
    expect(phases).toEqual({ "process start": 100, "cdk-nag validation": 400, [CLI_PHASE]: 1200 });
  });

  it("never reports a negative CLI share (clocks of two processes)", () => {
    expect(phasesOf({ phases: {}, totalMs: 3000 }, 2990)[CLI_PHASE]).toBe(0);
  });
});

describe("medianRun", () => {
  it("picks the run of median wall time, with that run's own phases", () => {
    const runs = [
      run(20, 5200, { "asset hashing": 90 }),
      run(20, 3900, { "asset hashing": 40 }),
      run(20, 4100, { "asset hashing": 50 }),
    ];
    expect(medianRun(runs)).toBe(runs[2]);
    expect(medianRun(runs.slice(0, 1))).toBe(runs[0]);
    expect(() => medianRun([])).toThrow(RangeError);
  });
});

describe("synthFigures", () => {
  const pairs: SynthPair[] = [
    {
      ours: run(1, 4000, { "process start": 120, "lambda bundling": 30, [CLI_PHASE]: 900 }),
      bare: run(1, 3000, { "process start": 100, [CLI_PHASE]: 800 }),
    },
    {
      ours: run(21, 6000, { "process start": 130, "lambda bundling": 31, [CLI_PHASE]: 950 }),
      bare: run(21, 4000, { "process start": 110, [CLI_PHASE]: 820 }),
    },
  ];
  const figures = synthFigures(pairs);
  const named = (name: string) => figures.find((entry) => entry.name === name);

  it("puts each whole synth beside the bare app's of the same count", () => {
    expect(named("synth, 1 service")).toMatchObject({ value: 4, baseline: 3, ratio: 1.333 });
    expect(named("synth, 21 services")).toMatchObject({
      value: 6,
      baseline: 4,
      baselineLabel: "bare CDK app, 21 services",
    });
  });

  it("shows each phase the app entered, beside the bare app's where it has one", () => {
    expect(named("1 service: process start")).toMatchObject({ value: 0.12, baseline: 0.1 });
    expect(named("1 service: lambda bundling")).toMatchObject({ value: 0.03, baseline: null, ratio: null });
    expect(named(`21 services: ${CLI_PHASE}`)).toMatchObject({ value: 0.95, baseline: 0.82 });
    expect(named("1 service: cdk-nag validation")).toBeUndefined();
  });

  it("derives the cost of one more service from the first and the last count", () => {
    expect(named("cost per added service (1 → 21)")).toMatchObject({ value: 0.1, baseline: 0.05 });
  });

  it("shows every round's wall time beside the median, when there was more than one", () => {
    const withRounds = synthFigures([
      { ...pairs[0], rounds: { ours: [4200, 4000, 3900], bare: [3000, 3100, 2900] } },
    ] as SynthPair[]);
    expect(withRounds[0]?.detail).toBe("rounds: 4.2, 4, 3.9 s (bare: 3, 3.1, 2.9 s)");
    expect(figures[0]?.detail).toBeUndefined();
  });

  it("has no per-service cost from a single count", () => {
    expect(synthFigures(pairs.slice(0, 1)).some((entry) => entry.name.startsWith("cost per added"))).toBe(false);
  });
});
