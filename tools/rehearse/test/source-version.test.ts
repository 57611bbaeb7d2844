import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { sourceVersion } from "../src/source-version.ts";

describe("sourceVersion", () => {
  it("names HEAD and says whether the working tree differs from it (changed, deleted or untracked files)", async () => {
    const repo = mkdtempSync(path.join(tmpdir(), "rehearse-source-"));
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
        cwd: repo,
        encoding: "utf8",
      });
    git("init", "--quiet");
    for (const file of ["kept.txt", "deleted.txt"]) writeFileSync(path.join(repo, file), "v1");
    git("add", ".");
    git("commit", "--quiet", "-m", "first");
    const head = git("rev-parse", "HEAD").trim();
    expect(await sourceVersion(repo)).toEqual({ commit: head, dirty: false });

    for (const change of [
      () => writeFileSync(path.join(repo, "kept.txt"), "v2"),
      () => rmSync(path.join(repo, "deleted.txt")),
      () => writeFileSync(path.join(repo, "untracked.txt"), "new"),
    ]) {
      change();
      expect(await sourceVersion(repo)).toEqual({ commit: head, dirty: true });
      git("stash", "--include-untracked", "--quiet");
      expect((await sourceVersion(repo)).dirty).toBe(false);
    }
  });

  it("fails with git's message outside a repository", async () => {
    const plain = mkdtempSync(path.join(tmpdir(), "rehearse-nogit-"));
    onTestFinished(() => rmSync(plain, { recursive: true, force: true }));
    await expect(sourceVersion(plain)).rejects.toThrow(
      /`git rev-parse HEAD` exited with code 128:\n.*not a git repository/,
    );
  });
});
