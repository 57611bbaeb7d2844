import { copyFile, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { BuildArtifacts } from "./buildspec.ts";

/** A buildspec artifacts `files` pattern as a RegExp on forward-slash paths: `**` any depth, `*` and `?` in a name. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      const slashAfter = pattern[i + 2] === "/";
      source += slashAfter ? "(?:.*/)?" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

/**
 * Copies the buildspec's artifacts out of the build's source folder into `destination` (created), as CodeBuild
 * uploads them: `files` relative to `base-directory`, flattened with discard-paths. A pattern that matches nothing
 * is an error (CodeBuild fails the upload: "no matching artifact paths found"). Returns the artifact's file names.
 */
export async function collectArtifacts(
  sourceDir: string,
  artifacts: BuildArtifacts,
  destination: string,
): Promise<string[]> {
  const baseDir = path.resolve(sourceDir, artifacts.baseDirectory);
  const relativeBase = path.relative(sourceDir, baseDir);
  if (relativeBase.startsWith("..") || path.isAbsolute(relativeBase)) {
    throw new Error(`artifacts.base-directory "${artifacts.baseDirectory}" points outside the source folder`);
  }
  const baseStat = await stat(baseDir).catch(() => undefined);
  if (!baseStat?.isDirectory()) {
    throw new Error(`artifacts.base-directory "${artifacts.baseDirectory}" does not exist after the build`);
  }
  const available = await listFiles(baseDir);
  const chosen = new Map<string, string>(); // artifact name -> source path relative to baseDir
  for (const pattern of artifacts.files) {
    const matcher = globToRegExp(pattern.replace(/^\.\//, ""));
    const matches = available.filter((file) => matcher.test(file));
    if (matches.length === 0) {
      throw new Error(
        `artifacts.files "${pattern}" matches no file under ${artifacts.baseDirectory || "the source root"} ` +
          `(found: ${available.join(", ") || "nothing"})`,
      );
    }
    for (const file of matches) {
      const name = artifacts.discardPaths ? path.posix.basename(file) : file;
      const earlier = chosen.get(name);
      if (earlier !== undefined && earlier !== file) {
        throw new Error(`artifacts: ${earlier} and ${file} would both be ${name} (discard-paths: yes)`);
      }
      chosen.set(name, file);
    }
  }
  await mkdir(destination, { recursive: true });
  for (const [name, file] of chosen) {
    await mkdir(path.dirname(path.join(destination, name)), { recursive: true });
    await copyFile(path.join(baseDir, file), path.join(destination, name));
  }
  return [...chosen.keys()].sort();
}

/**
 * Puts the folder `staged` in place of `target`: the old folder is moved aside, the new one renamed in, the old
 * one removed; if the rename fails the old folder is put back. Both must be on one file system (siblings).
 */
export async function replaceFolder(staged: string, target: string): Promise<void> {
  const aside = `${target}.old-${process.pid}-${Date.now()}`;
  const hadTarget = await stat(target)
    .then(() => true)
    .catch(() => false);
  if (hadTarget) await rename(target, aside);
  try {
    await rename(staged, target);
  } catch (error) {
    if (hadTarget) await rename(aside, target);
    throw error;
  }
  if (hadTarget) await rm(aside, { recursive: true, force: true });
}
