import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyTree } from "../src/repository-copy.ts";
import { gitRepoWith } from "./support/git-repo.ts";

const repo = gitRepoWith({ "package.json": '{ "name": "x" }\n', "apps/a/src/index.ts": "export {};\n" });
const dir = mkdtempSync(path.join(tmpdir(), "bench-copy-test-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  repo.remove();
});

describe("copyTree", () => {
  it("writes a commit's tree, every file as committed and nothing else, and leaves no archive behind", async () => {
    // Removed after the commit: still in the commit's copy.
    repo.git("rm", "--quiet", "package.json");
    const copy = path.join(dir, "commit");
    await copyTree(repo.root, copy, repo.commit);
    const files = readdirSync(copy, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => path.relative(copy, path.join(entry.parentPath, entry.name)))
      .sort();
    expect(files).toEqual(["apps/a/src/index.ts", "package.json"]);
    expect(readFileSync(path.join(copy, "package.json"), "utf8")).toBe('{ "name": "x" }\n');
    expect(readdirSync(dir)).toEqual(["commit"]);
  });

  it("fails naming the commit git cannot archive, leaving no archive behind", async () => {
    const copy = path.join(dir, "missing");
    const missing = "0".repeat(40);
    await expect(copyTree(repo.root, copy, missing)).rejects.toThrow(new RegExp(`git archive .*${missing}`));
    expect(readdirSync(dir)).not.toContain("missing.tar");
  });
});
