import { runChecked } from "@repo/devkit/process";

export interface SourceVersion {
  /** `git rev-parse HEAD`: CODEBUILD_RESOLVED_SOURCE_VERSION. */
  commit: string;
  /** The working tree differs from HEAD (changed, deleted or untracked files): the rehearsal builds more than HEAD. */
  dirty: boolean;
}

/** The commit the rehearsal builds on, and whether uncommitted work comes with it (its copy holds that work too). */
export async function sourceVersion(repoRoot: string): Promise<SourceVersion> {
  const git = async (...args: string[]) => (await runChecked("git", args, { cwd: repoRoot })).stdout;
  const commit = (await git("rev-parse", "HEAD")).trim();
  const status = await git("status", "--porcelain", "--untracked-files=normal");
  return { commit, dirty: status.trim().length > 0 };
}
