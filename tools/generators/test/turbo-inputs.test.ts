// The test task's turbo inputs are what the tests read: an edit elsewhere (another service's source, a tool the
// tests do not copy) does not rerun them, and an edit to what they copy always does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAINTAINERS_DIR } from "../src/init/maintainers.ts";
import { copiedPaths } from "./support/workspace.ts";

const ROOT = "$TURBO_ROOT$/";
/** Read from the repository itself, not from a copy: the root files, .github/, every package.json (the diagram). */
const READ_IN_PLACE = ["$TURBO_EXTENDS$", `${ROOT}*`, `${ROOT}.*`, `${ROOT}.github/**`, `${ROOT}tools/*/package.json`];
const NEVER = ["node_modules", "dist", "cdk.out", ".turbo", ".cache"].map((folder) => `!${ROOT}**/${folder}/**`);

describe("turbo.json (this package's test inputs)", () => {
  it("lists exactly what the copies hold, and what the tests read in place", () => {
    const turbo = JSON.parse(readFileSync(new URL("../turbo.json", import.meta.url), "utf8")) as {
      tasks: { test: { inputs: string[] } };
    };
    const copied = copiedPaths().map((entry) => {
      if (entry.endsWith("/")) return `${ROOT}${entry}**`;
      // Every maintainers' tool's package.json: init removes them all, whatever they are called.
      if (entry.startsWith(`${MAINTAINERS_DIR}/`)) return `${ROOT}${MAINTAINERS_DIR}/*/package.json`;
      return `${ROOT}${entry}`;
    });
    expect(turbo.tasks.test.inputs).toEqual([...READ_IN_PLACE, ...new Set(copied), ...NEVER]);
  });
});
