import { randomBytes } from "node:crypto";
import { link, mkdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OutputError } from "./errors.ts";

export interface OutputFile {
  name: string;
  content: string;
}

/**
 * Writes every file or none: each goes to a temporary file in the same folder first, then all are renamed into
 * place. If anything fails, temporary files are removed, files already replaced get their previous content back
 * (kept as hard links until the end), and a folder this call created is removed, so the folder is left as it was.
 */
export async function writeFilesAtomically(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  let createdDir: string | undefined;
  try {
    createdDir = await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new OutputError(`cannot create output folder ${dir}: ${describeFsError(error)}`, { cause: error });
  }

  const suffix = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const staged: { temp: string; target: string; backup: string }[] = [];
  const replaced: { target: string; backup?: string }[] = [];
  let current = dir;
  try {
    for (const file of files) {
      const entry = {
        temp: join(dir, `.${file.name}.${suffix}.tmp`),
        target: join(dir, file.name),
        backup: join(dir, `.${file.name}.${suffix}.previous`),
      };
      staged.push(entry);
      current = entry.target;
      await writeFile(entry.temp, file.content, { flag: "wx" });
    }
    for (const entry of staged) {
      current = entry.target;
      const hadPrevious = await link(entry.target, entry.backup).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return false;
          throw error;
        },
      );
      await rename(entry.temp, entry.target);
      replaced.push(hadPrevious ? { target: entry.target, backup: entry.backup } : { target: entry.target });
    }
  } catch (error) {
    await rollBack(replaced, staged, createdDir);
    const reason = (await isFolder(current)) ? "a folder is in the way" : describeFsError(error);
    throw new OutputError(`cannot write ${current}: ${reason}; the output folder was left as it was`, { cause: error });
  }
  await Promise.all(staged.map((entry) => rm(entry.backup, { force: true })));
  return staged.map((entry) => entry.target);
}

async function rollBack(
  replaced: readonly { target: string; backup?: string }[],
  staged: readonly { temp: string; backup: string }[],
  createdDir: string | undefined,
): Promise<void> {
  for (const entry of [...replaced].reverse()) {
    if (entry.backup) await rename(entry.backup, entry.target).catch(() => undefined);
    else await unlink(entry.target).catch(() => undefined);
  }
  for (const entry of staged) {
    await rm(entry.temp, { force: true }).catch(() => undefined);
    await rm(entry.backup, { force: true }).catch(() => undefined);
  }
  if (createdDir !== undefined) await rm(createdDir, { recursive: true, force: true }).catch(() => undefined);
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

function describeFsError(error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOTDIR: "a path component is a file, not a folder",
    EISDIR: "a folder is in the way",
    EROFS: "read-only file system",
    ENOSPC: "no space left on device",
    EEXIST: "already exists",
  };
  return failure.code && reasons[failure.code] ? `${reasons[failure.code]} (${failure.code})` : failure.message;
}
