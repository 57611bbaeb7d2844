import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectArtifacts, globToRegExp, replaceFolder } from "../src/artifacts.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "rehearse-artifacts-"));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe("globToRegExp", () => {
  it.each([
    ["taskdef.json", "taskdef.json", true],
    ["taskdef.json", "sub/taskdef.json", false],
    ["*.json", "a.json", true],
    ["*.json", "sub/a.json", false],
    ["**/*", "a/b/c.txt", true],
    ["**/*.json", "top.json", true],
    ["**/*.json", "a/b/deep.json", true],
    ["out/?.txt", "out/a.txt", true],
    ["out/?.txt", "out/ab.txt", false],
    ["a+b(1).txt", "a+b(1).txt", true],
  ])("%s matches %s: %s", (pattern, file, expected) => {
    expect(globToRegExp(pattern).test(file)).toBe(expected);
  });
});

describe("collectArtifacts", () => {
  it("copies base-directory's files, flattened with discard-paths", async () => {
    const src = tree({
      "out/deploy/taskdef.json": "{}",
      "out/deploy/nested/appspec.yaml": "version: 0.0",
      "out/deploy/ignored.txt": "x",
    });
    const destination = path.join(src, "collected");
    const names = await collectArtifacts(
      src,
      { baseDirectory: "out/deploy", files: ["taskdef.json", "**/appspec.yaml"], discardPaths: true },
      destination,
    );
    expect(names).toEqual(["appspec.yaml", "taskdef.json"]);
    expect(readdirSync(destination).sort()).toEqual(["appspec.yaml", "taskdef.json"]);
    expect(readFileSync(path.join(destination, "appspec.yaml"), "utf8")).toBe("version: 0.0");
  });

  it("keeps the folders without discard-paths", async () => {
    const src = tree({ "a/b.txt": "b" });
    expect(
      await collectArtifacts(src, { baseDirectory: "", files: ["**/*"], discardPaths: false }, path.join(src, "o")),
    ).toEqual(["a/b.txt"]);
  });

  it("fails, naming the pattern and what there is, when a pattern matches nothing", async () => {
    const src = tree({ "out/taskdef.json": "{}" });
    await expect(
      collectArtifacts(
        src,
        { baseDirectory: "out", files: ["imageDetail.json"], discardPaths: true },
        path.join(src, "o"),
      ),
    ).rejects.toThrow('artifacts.files "imageDetail.json" matches no file under out (found: taskdef.json)');
  });

  it("fails when base-directory is missing or outside the source, or discard-paths makes two files one", async () => {
    const src = tree({ "a/x.json": "1", "b/x.json": "2" });
    const files = { files: ["**/*.json"], discardPaths: true };
    await expect(collectArtifacts(src, { baseDirectory: "missing", ...files }, path.join(src, "o"))).rejects.toThrow(
      /does not exist after the build/,
    );
    await expect(collectArtifacts(src, { baseDirectory: "../..", ...files }, path.join(src, "o"))).rejects.toThrow(
      /outside the source folder/,
    );
    await expect(collectArtifacts(src, { baseDirectory: "", ...files }, path.join(src, "o"))).rejects.toThrow(
      "artifacts: a/x.json and b/x.json would both be x.json (discard-paths: yes)",
    );
  });
});

describe("replaceFolder", () => {
  it("replaces an older folder's files as a whole", async () => {
    const root = tree({ "target/old-only.txt": "old", "target/same.txt": "old", "staged/same.txt": "new" });
    await replaceFolder(path.join(root, "staged"), path.join(root, "target"));
    expect(readdirSync(path.join(root, "target"))).toEqual(["same.txt"]);
    expect(readFileSync(path.join(root, "target", "same.txt"), "utf8")).toBe("new");
    expect(readdirSync(root)).toEqual(["target"]);
  });

  it("creates the folder when there was none", async () => {
    const root = tree({ "staged/a.txt": "a" });
    await replaceFolder(path.join(root, "staged"), path.join(root, "target"));
    expect(readdirSync(root)).toEqual(["target"]);
  });

  it("puts the old folder back when the new one cannot be moved in", async () => {
    const root = tree({ "target/keep.txt": "old" });
    await expect(replaceFolder(path.join(root, "no-such-staging"), path.join(root, "target"))).rejects.toThrow(
      /ENOENT/,
    );
    expect(readdirSync(root)).toEqual(["target"]);
    expect(readFileSync(path.join(root, "target", "keep.txt"), "utf8")).toBe("old");
  });
});
