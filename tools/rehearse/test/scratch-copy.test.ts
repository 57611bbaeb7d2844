import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyWorkingTree, sourceVersion, workingTreeFiles } from "../src/scratch-copy.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A real git repository: committed, modified, deleted, untracked and ignored files.
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
  write("apps/a/run.sh", "#!/bin/sh\necho hi\n");
  execFileSync("chmod", ["755", path.join(root, "apps/a/run.sh")]);
  symlinkSync("committed.txt", path.join(root, "link.txt"));
  git("add", ".");
  git("commit", "--quiet", "-m", "first");
  write("committed.txt", "v2 (uncommitted)");
  unlinkSync(path.join(root, "deleted.txt"));
  write("untracked.txt", "new");
  write("node_modules/x/index.js", "ignored");
  write(".artifacts/old/file", "ignored");
  return root;
}

describe("workingTreeFiles and copyWorkingTree", () => {
  it("copy what a checkout of the working tree holds: uncommitted work in, ignored and deleted files out", async () => {
    const repo = repository();
    expect(await workingTreeFiles(repo)).toEqual([
      ".gitignore",
      "apps/a/run.sh",
      "committed.txt",
      "deleted.txt",
      "link.txt",
      "untracked.txt",
    ]);
    const destination = path.join(repo, "..", `${path.basename(repo)}-copy`);
    dirs.push(destination);
    expect(await copyWorkingTree(repo, destination)).toMatchObject({ files: 5 });
    expect(readFileSync(path.join(destination, "committed.txt"), "utf8")).toBe("v2 (uncommitted)");
    expect(readFileSync(path.join(destination, "untracked.txt"), "utf8")).toBe("new");
    expect(() => statSync(path.join(destination, "deleted.txt"))).toThrow();
    expect(() => statSync(path.join(destination, "node_modules"))).toThrow();
    expect(() => statSync(path.join(destination, ".git"))).toThrow();
  });

  it("keeps modes, modification times and symbolic links", async () => {
    const repo = repository();
    const past = new Date("2024-01-02T03:04:05Z");
    utimesSync(path.join(repo, "committed.txt"), past, past);
    const destination = path.join(repo, "..", `${path.basename(repo)}-copy`);
    dirs.push(destination);
    await copyWorkingTree(repo, destination);
    expect(statSync(path.join(destination, "apps/a/run.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(destination, "committed.txt")).mtime.toISOString()).toBe(past.toISOString());
    expect(lstatSync(path.join(destination, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(destination, "link.txt"))).toBe("committed.txt");
  });

  it("fails with git's message outside a repository", async () => {
    const plain = mkdtempSync(path.join(tmpdir(), "rehearse-nogit-"));
    dirs.push(plain);
    await expect(workingTreeFiles(plain)).rejects.toThrow(/`git ls-files .*` failed in .*not a git repository/);
  });
});

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
