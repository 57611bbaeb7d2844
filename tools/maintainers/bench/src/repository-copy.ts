// The copies the turbo part runs the test command in: the working tree as it is, or the tree of a commit, each a git
// repository of its own (every file staged, nothing committed) with its packages installed from the local store.
import { mkdir, rm } from "node:fs/promises";
import { copyProjectFiles } from "@repo/devkit/files";
import type { BenchContext } from "./context.ts";
import { runChecked, runCommand } from "./processes.ts";

/**
 * The environment of a turbo run in a copy: nothing inherited from a turbo run this bench may be inside, and no
 * compile cache but the one the copy's own scripts choose (a warm one would make a cold run less cold).
 */
export function turboEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("TURBO_") && !key.startsWith("npm_") && key !== "NODE_COMPILE_CACHE") env[key] = value;
  }
  return { ...env, TURBO_TELEMETRY_DISABLED: "1", TURBO_RUN_SUMMARY: "true", NO_COLOR: "1", FORCE_COLOR: "0" };
}

/** Writes `commit`'s tree (or, undefined, the working tree's project files) to `copy`, a new folder. */
export async function copyTree(repoRoot: string, copy: string, commit: string | undefined): Promise<void> {
  await mkdir(copy, { recursive: true });
  if (commit === undefined) {
    copyProjectFiles(repoRoot, copy);
    return;
  }
  const archive = `${copy}.tar`;
  try {
    await runChecked("git", ["archive", "--format=tar", "--output", archive, commit], { cwd: repoRoot });
    await runChecked("tar", ["-xf", archive, "-C", copy]);
  } finally {
    await rm(archive, { force: true });
  }
}

/**
 * A copy ready for a cold run: the tree, a git index holding every file as a clone's does (Biome reads .gitignore
 * through it, and turbo hashes through git: with an empty index it hashed the task logs under .turbo/ as inputs, so
 * nothing was ever cached), and its packages installed: from the local store, or with --prefer-offline when a
 * package is missing from it (an older commit's lockfile).
 */
export async function installedCopy(ctx: BenchContext, copy: string, commit: string | undefined): Promise<void> {
  ctx.progress(`copying ${commit === undefined ? "the working tree" : commit} to ${copy} (no node_modules, no caches)`);
  await copyTree(ctx.repoRoot, copy, commit);
  await runChecked("git", ["init", "--quiet"], { cwd: copy });
  await runChecked("git", ["add", "--all"], { cwd: copy });
  ctx.progress("pnpm install --offline --frozen-lockfile (from the local store)");
  const options = { cwd: copy, env: turboEnv(), cleanup: ctx.cleanup };
  const install = await runCommand("pnpm", ["install", "--offline", "--frozen-lockfile"], options);
  if (install.exitCode !== 0) {
    ctx.progress("offline install failed (a package missing from the store): installing with --prefer-offline");
    await runChecked("pnpm", ["install", "--prefer-offline", "--frozen-lockfile"], options);
  }
}
