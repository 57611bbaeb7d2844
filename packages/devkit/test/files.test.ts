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
import { copyProjectFiles, ignoreRules, isIgnored, projectFiles } from "../src/files.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A real git repository: committed, modified, deleted, untracked and ignored files.
function repository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "devkit-files-"));
  dirs.push(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: root });
  git("init", "--quiet");
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  write(".gitignore", "node_modules/\n/.artifacts/\n*.log\n.env.*\n!.env.example\n");
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
  write("apps/a/.artifacts/kept", "anchored patterns match at the root only");
  write("apps/a/debug.log", "ignored");
  write(".env.local", "ignored");
  write(".env.example", "kept");
  return root;
}

const WORKING_TREE = [
  ".env.example",
  ".gitignore",
  "apps/a/.artifacts/kept",
  "apps/a/run.sh",
  "committed.txt",
  "link.txt",
  "untracked.txt",
];

function copyTarget(repo: string): string {
  const target = path.join(repo, "..", `${path.basename(repo)}-copy`);
  dirs.push(target);
  return target;
}

describe("projectFiles and copyProjectFiles", () => {
  it("copy what a checkout of the working tree holds: uncommitted work in, ignored and deleted files out", () => {
    const repo = repository();
    expect(projectFiles(repo)).toEqual(WORKING_TREE);
    expect(projectFiles(repo, "apps/a")).toEqual([".artifacts/kept", "run.sh"]);
    const target = copyTarget(repo);
    expect(copyProjectFiles(repo, target)).toMatchObject({ files: WORKING_TREE.length });
    expect(readFileSync(path.join(target, "committed.txt"), "utf8")).toBe("v2 (uncommitted)");
    expect(readFileSync(path.join(target, "untracked.txt"), "utf8")).toBe("new");
    expect(() => statSync(path.join(target, "deleted.txt"))).toThrow();
    expect(() => statSync(path.join(target, "node_modules"))).toThrow();
    expect(() => statSync(path.join(target, ".git"))).toThrow();
  });

  it("outside a checkout, leave out what the root .gitignore ignores: the same files as git", () => {
    const repo = repository();
    rmSync(path.join(repo, ".git"), { recursive: true });
    expect(projectFiles(repo)).toEqual(WORKING_TREE);
    expect(projectFiles(repo, "apps/a")).toEqual([".artifacts/kept", "run.sh"]);
    const target = copyTarget(repo);
    copyProjectFiles(repo, target);
    expect(projectFiles(target)).toEqual(WORKING_TREE);
  });

  it("copy only the files asked for", () => {
    const repo = repository();
    const target = copyTarget(repo);
    copyProjectFiles(repo, target, { include: (file) => file.startsWith("apps/") });
    expect(projectFiles(target)).toEqual(["apps/a/.artifacts/kept", "apps/a/run.sh"]);
  });

  it("keep modes, modification times and symbolic links", () => {
    const repo = repository();
    const past = new Date("2024-01-02T03:04:05Z");
    utimesSync(path.join(repo, "committed.txt"), past, past);
    const target = copyTarget(repo);
    copyProjectFiles(repo, target);
    expect(statSync(path.join(target, "apps/a/run.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(target, "committed.txt")).mtime.toISOString()).toBe(past.toISOString());
    expect(lstatSync(path.join(target, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(target, "link.txt"))).toBe("committed.txt");
  });
});

describe("ignoreRules", () => {
  it("reads this repository's .gitignore as git does", () => {
    const rules = ignoreRules(path.resolve(import.meta.dirname, "../../.."));
    expect(isIgnored(rules, "apps/x/node_modules", true)).toBe(true);
    expect(isIgnored(rules, "node_modules", false)).toBe(false);
    expect(isIgnored(rules, "infra/.cache", true)).toBe(true);
    expect(isIgnored(rules, ".artifacts", true)).toBe(true);
    expect(isIgnored(rules, "apps/x/.artifacts", true)).toBe(false);
    expect(isIgnored(rules, "srv.pid", false)).toBe(true);
    expect(isIgnored(rules, "infra/cdk.out", true)).toBe(true);
    expect(isIgnored(rules, "apps/x/.env.example", false)).toBe(false);
    expect(isIgnored(rules, "apps/x/.env.production", false)).toBe(true);
    expect(isIgnored(rules, ".git", true)).toBe(true);
  });
});
