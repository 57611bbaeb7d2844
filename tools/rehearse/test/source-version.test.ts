import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sourceVersion } from "../src/source-version.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A real git repository: committed, modified, deleted and untracked files.
function repository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "rehearse-scratch-"));
  dirs.push(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: root });
  git("init", "--quiet");
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  write(".gitignore", "node_modules/\n/.artifacts/\n");
  write("committed.txt", "v1");
  write("deleted.txt", "gone soon");
  git("add", ".");
  git("commit", "--quiet", "-m", "first");
  write("committed.txt", "v2 (uncommitted)");
  unlinkSync(path.join(root, "deleted.txt"));
  write("untracked.txt", "new");
  return root;
}

describe("sourceVersion", () => {
  it("names HEAD and says whether the working tree differs from it", async () => {
    const repo = repository();
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    expect(await sourceVersion(repo)).toEqual({ commit: head, dirty: true });
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "-am", "two"],
      { cwd: repo },
    );
    rmSync(path.join(repo, "untracked.txt"));
    expect((await sourceVersion(repo)).dirty).toBe(false);
  });
});
