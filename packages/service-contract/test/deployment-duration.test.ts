import { describe, expect, it } from "vitest";
import { minimumDeploymentDuration, trafficShifts } from "../src/deployment-duration.ts";

describe("the least time a deployment configuration takes", () => {
  it.each([
    [{ strategy: "BLUE_GREEN", bakeTimeInMinutes: 15 }, 15],
    [
      { strategy: "LINEAR", bakeTimeInMinutes: 10, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 4 } },
      22,
    ],
    // 100 / 3.3 = 30.3: 31 steps, 30 waits between them.
    [
      { strategy: "LINEAR", bakeTimeInMinutes: 0, linearConfiguration: { stepPercent: 3.3, stepBakeTimeInMinutes: 1 } },
      30,
    ],
    // ECS's defaults: 10% steps, 6 minutes apart.
    [{ strategy: "LINEAR", bakeTimeInMinutes: 5 }, 59],
    [
      {
        strategy: "CANARY",
        bakeTimeInMinutes: 5,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 30 },
      },
      35,
    ],
    [{ strategy: "CANARY" }, 10],
    [{ strategy: "ROLLING" }, 0],
    [undefined, 0],
  ] as const)("%j: %i minutes", (config, minutes) => {
    expect(minimumDeploymentDuration(config).minutes).toBe(minutes);
  });

  it("explains itself", () => {
    expect(minimumDeploymentDuration({ strategy: "CANARY", bakeTimeInMinutes: 5 }).explanation).toBe(
      "canary, 5% for 10 min, then the rest and 5 min bake time",
    );
  });
});

describe("the production traffic shifts of a deployment configuration", () => {
  it.each([
    ["all at once", { strategy: "BLUE_GREEN", bakeTimeInMinutes: 15 }, [[100, 0]]],
    [
      "a canary, then the rest",
      { strategy: "CANARY", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } },
      [
        [10, 5],
        [100, 0],
      ],
    ],
    [
      "linear steps, the last one capped at 100 percent and followed by no wait",
      { strategy: "LINEAR", linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 2 } },
      [
        [30, 2],
        [60, 2],
        [90, 2],
        [100, 0],
      ],
    ],
  ])("%s", (_what, config, shifts) => {
    expect(trafficShifts(config)).toEqual(shifts.map(([percent, waitMinutes]) => ({ percent, waitMinutes })));
  });

  it("adds linear steps without rounding drift", () => {
    expect(
      trafficShifts({ strategy: "LINEAR", linearConfiguration: { stepPercent: 3.3, stepBakeTimeInMinutes: 1 } })[2],
    ).toEqual({ percent: 9.9, waitMinutes: 1 });
  });

  it("none for a rolling update", () => {
    expect(trafficShifts({ strategy: "ROLLING" })).toEqual([]);
  });
});
