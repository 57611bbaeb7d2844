import { readFileSync } from "node:fs";

/** /proc reports CPU times in USER_HZ, 100 per second on Linux whatever the kernel's own tick. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) used so far by this process's children that have ended, their own children included
 * (each counted once its parent waited for it): /proc/self/stat's cutime and cstime. Null where there is no /proc.
 */
export function endedChildrenCpuSeconds(): number | null {
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: the fields start after its last ")". The first is field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) return null;
  return (cutime + cstime) / TICKS_PER_SECOND;
}
