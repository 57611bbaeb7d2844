// Test support: a throw-away git repository with one commit, for what reads a repository's history.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface GitRepo {
  root: string;
  /** The one commit's full hash. */
  commit: string;
  git(...args: string[]): string;
  remove(): void;
}

/** A new repository whose one commit holds `files` (path -> content). */
export function gitRepoWith(files: Record<string, string>): GitRepo {
  const root = mkdtempSync(path.join(tmpdir(), "bench-git-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], {
      cwd: root,
      encoding: "utf8",
    });
  git("init", "--quiet");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  git("add", "--all");
  git("commit", "--quiet", "--no-gpg-sign", "-m", "one commit");
  const remove = () => rmSync(root, { recursive: true, force: true });
  return { root, commit: git("rev-parse", "HEAD").trim(), git, remove };
}
