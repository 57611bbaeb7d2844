import { describe, expect, it } from "vitest";
import { median, ratio, round } from "../src/stats.ts";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe("ratio", () => {
  it("divides by the baseline", () => {
    expect(ratio(50, 200)).toBe(0.25);
  });

  it("has no ratio without a baseline or with a zero baseline", () => {
    expect(ratio(5, null)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
  });
});

describe("round", () => {
  it("rounds to the given digits", () => {
    expect(round(1.2345, 2)).toBe(1.23);
    expect(round(1234.5)).toBe(1235);
  });
});
