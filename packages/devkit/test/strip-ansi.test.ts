import { describe, expect, it } from "vitest";
import { stripAnsi } from "../src/process.ts";

describe("stripAnsi", () => {
  it("removes colour escapes and keeps the text", () => {
    expect(stripAnsi("\u001b[2m   Start at \u001b[22m 18:32:08 \u001b[41m\u001b[1m FAIL \u001b[22m\u001b[49m")).toBe(
      "   Start at  18:32:08  FAIL ",
    );
    expect(stripAnsi("plain")).toBe("plain");
  });
});
