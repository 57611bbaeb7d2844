import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { copyTree } from "../src/repository-copy.ts";

const REPO = fileURLToPath(new URL("../../../..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "bench-copy-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" });

describe("copyTree", () => {
  it("writes a commit's tree, every file as committed and nothing else, and leaves no archive behind", async () => {
    const commit = git("rev-parse", "HEAD~1").trim();
    const copy = path.join(dir, "commit");
    await copyTree(REPO, copy, commit);
    const files = readdirSync(copy, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => path.relative(copy, path.join(entry.parentPath, entry.name)))
      .sort();
    expect(files).toEqual(git("ls-tree", "-r", "--name-only", commit).trim().split("\n").sort());
    expect(readFileSync(path.join(copy, "package.json"), "utf8")).toBe(git("show", `${commit}:package.json`));
    expect(readdirSync(dir)).toEqual(["commit"]);
  });

  it("fails naming the commit git cannot archive, leaving no archive behind", async () => {
    const copy = path.join(dir, "missing");
    await expect(copyTree(REPO, copy, "0".repeat(40))).rejects.toThrow(/git archive/);
    expect(readdirSync(dir)).not.toContain("missing.tar");
  });
});
