import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { bufferedDestination, createLogger, LOG_BUFFER_CHARS } from "../src/logger.ts";
import { testConfig } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A buffered destination writing to a fresh file, and a way to read what reached the file. */
function fileDestination() {
  const dir = mkdtempSync(path.join(tmpdir(), "log-buffer-"));
  const file = path.join(dir, "out.log");
  const fd = openSync(file, "w");
  cleanups.push(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  return { destination: bufferedDestination(fd), written: () => readFileSync(file, "utf8") };
}

describe("bufferedDestination", () => {
  it("holds the lines of a turn and writes them, in order, when the turn ends", async () => {
    const { destination, written } = fileDestination();
    destination.write("one\n");
    destination.write("two\n");
    expect(written()).toBe("");
    await nextTurn();
    expect(written()).toBe("one\ntwo\n");
  });

  it("writes at once when the held lines reach the limit", () => {
    const { destination, written } = fileDestination();
    const line = `${"x".repeat(99)}\n`;
    const lines = Math.ceil(LOG_BUFFER_CHARS / line.length);
    for (let i = 0; i < lines; i++) destination.write(line);
    expect(written()).toBe(line.repeat(lines));
  });

  it("flushSync() writes what is held, synchronously", () => {
    const { destination, written } = fileDestination();
    destination.write("held\n");
    destination.flushSync();
    expect(written()).toBe("held\n");
  });

  it("takes a logger's lines, and a fatal one goes out with it", () => {
    const { destination, written } = fileDestination();
    const logger = createLogger(testConfig(), destination);
    logger.info("held");
    expect(written()).toBe("");
    logger.fatal("at once");
    expect(
      written()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).msg),
    ).toEqual(["held", "at once"]);
  });
});
