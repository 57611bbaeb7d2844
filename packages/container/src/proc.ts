import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One process as /proc shows it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Real uid. */
  uid: number;
  argv: string[];
}

/** Reads PPid and the real Uid from the text of /proc/<pid>/status. */
export function parseStatus(text: string): { ppid: number; uid: number } {
  const ppid = /^PPid:\s+(\d+)/m.exec(text);
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  if (!ppid?.[1] || !uid?.[1]) throw new Error("not a /proc/<pid>/status text (no PPid or Uid line)");
  return { ppid: Number(ppid[1]), uid: Number(uid[1]) };
}

/** Splits /proc/<pid>/cmdline (NUL-separated, NUL-terminated) into argv. */
export function parseCmdline(text: string): string[] {
  const parts = text.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/**
 * The container's main process among the descendants of `rootPid`: the first one, breadth first, that is not one of
 * the engine's own helpers (buildah run -> buildah-chroot-runtime -> buildah-chroot-exec -> the container's command).
 */
export function findMainProcess(
  processes: readonly ProcessEntry[],
  rootPid: number,
  isEngineHelper: (entry: ProcessEntry) => boolean,
): ProcessEntry | undefined {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of processes) {
    const siblings = children.get(entry.ppid) ?? [];
    siblings.push(entry);
    children.set(entry.ppid, siblings);
  }
  const queue = [...(children.get(rootPid) ?? [])];
  for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
    if (!isEngineHelper(entry)) return entry;
    queue.push(...(children.get(entry.pid) ?? []));
  }
  return undefined;
}

export function isBuildahHelper(entry: ProcessEntry): boolean {
  return path.basename(entry.argv[0] ?? "").startsWith("buildah");
}

/** Every process of this host (Linux /proc); processes that vanish while reading are skipped. */
export function readProcessTable(procRoot = "/proc"): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { ppid, uid } = parseStatus(readFileSync(path.join(procRoot, name, "status"), "utf8"));
      const argv = parseCmdline(readFileSync(path.join(procRoot, name, "cmdline"), "utf8"));
      entries.push({ pid: Number(name), ppid, uid, argv });
    } catch {
      // The process exited between readdir and read.
    }
  }
  return entries;
}
