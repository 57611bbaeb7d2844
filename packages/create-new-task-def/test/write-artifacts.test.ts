import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OutputError, writeFilesAtomically } from "../src/index.ts";
import { makeTempDir, removeDir, snapshotDir } from "./support/fixtures.ts";

let work: string;
beforeEach(async () => {
  work = await makeTempDir();
});
afterEach(async () => {
  await removeDir(work);
});

describe("writeFilesAtomically", () => {
  it("creates the folder, writes every file and leaves no temporary or backup file behind", async () => {
    const dir = join(work, "a", "b");
    const paths = await writeFilesAtomically(dir, [
      { name: "one.json", content: "1\n" },
      { name: "two.yaml", content: "two: 2\n" },
    ]);
    expect(paths).toEqual([join(dir, "one.json"), join(dir, "two.yaml")]);
    expect(await snapshotDir(dir)).toEqual({ "one.json": "1\n", "two.yaml": "two: 2\n" });
  });

  it("replaces existing files", async () => {
    await writeFile(join(work, "one.json"), "old");
    await writeFilesAtomically(work, [{ name: "one.json", content: "new" }]);
    expect(await readFile(join(work, "one.json"), "utf8")).toBe("new");
    expect(await readdir(work)).toEqual(["one.json"]);
  });

  it("puts back the previous content of files it already replaced when a later rename fails", async () => {
    await writeFile(join(work, "one.json"), "previous one");
    await mkdir(join(work, "three.json"));
    const before = await snapshotDir(work);

    const error = await writeFilesAtomically(work, [
      { name: "one.json", content: "new one" },
      { name: "two.json", content: "new two" },
      { name: "three.json", content: "new three" },
    ]).catch((caught) => caught);

    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toBe(
      `cannot write ${join(work, "three.json")}: a folder is in the way; the output folder was left as it was`,
    );
    expect(await snapshotDir(work)).toEqual(before);
  });

  it("removes the folder it created when a file cannot be written", async () => {
    const dir = join(work, "created");
    const error = await writeFilesAtomically(dir, [
      { name: "one.json", content: "1" },
      { name: join("no-such-subfolder", "two.json"), content: "2" },
    ]).catch((caught) => caught);

    expect(error).toBeInstanceOf(OutputError);
    expect(await snapshotDir(dir)).toBe("absent");
    expect(await readdir(work)).toEqual([]);
  });
});
