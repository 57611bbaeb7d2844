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
  it("all at once", () => {
    expect(trafficShifts({ strategy: "BLUE_GREEN", bakeTimeInMinutes: 15 })).toEqual([
      { percent: 100, waitMinutes: 0 },
    ]);
  });

  it("a canary, then the rest", () => {
    expect(
      trafficShifts({ strategy: "CANARY", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } }),
    ).toEqual([
      { percent: 10, waitMinutes: 5 },
      { percent: 100, waitMinutes: 0 },
    ]);
  });

  it("linear steps, the last one capped at 100 percent and followed by no wait", () => {
    expect(
      trafficShifts({ strategy: "LINEAR", linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 2 } }),
    ).toEqual([
      { percent: 30, waitMinutes: 2 },
      { percent: 60, waitMinutes: 2 },
      { percent: 90, waitMinutes: 2 },
      { percent: 100, waitMinutes: 0 },
    ]);
    expect(
      trafficShifts({ strategy: "LINEAR", linearConfiguration: { stepPercent: 3.3, stepBakeTimeInMinutes: 1 } })[2],
    ).toEqual({ percent: 9.9, waitMinutes: 1 });
  });

  it("none for a rolling update", () => {
    expect(trafficShifts({ strategy: "ROLLING" })).toEqual([]);
  });
});
