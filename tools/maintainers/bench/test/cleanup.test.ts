import { describe, expect, it } from "vitest";
import { Cleanup } from "../src/cleanup.ts";

describe("Cleanup", () => {
  it("runs every action once, newest first, and reports failures without stopping", async () => {
    const cleanup = new Cleanup();
    const order: string[] = [];
    cleanup.add("first", () => order.push("first"));
    cleanup.add("broken", () => {
      throw new Error("boom");
    });
    cleanup.add("last", async () => {
      order.push("last");
    });
    const failures = await cleanup.runAll();
    expect(order).toEqual(["last", "first"]);
    expect(failures).toEqual(["broken: boom"]);
    expect(await cleanup.runAll()).toEqual([]);
    expect(order).toEqual(["last", "first"]);
  });

  it("runs a handle's action now and not again; a forgotten action never runs", async () => {
    const cleanup = new Cleanup();
    let runs = 0;
    let forgottenRuns = 0;
    const handle = cleanup.add("counted", () => runs++);
    cleanup.add("forgotten", () => forgottenRuns++).forget();
    await handle.run();
    await handle.run();
    await cleanup.runAll();
    expect(runs).toBe(1);
    expect(forgottenRuns).toBe(0);
    expect(cleanup.size).toBe(0);
  });
});
