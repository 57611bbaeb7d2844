import { type LoadResult, type LoadSettings, runLoad, type Workload } from "./load.ts";
import type { ServerProcess } from "./server-process.ts";

/** `names` starting at position `round` (wrapping): who goes first rotates from one round to the next. */
export function rotated<T>(names: readonly T[], round: number): T[] {
  return names.map((_, index) => names[(index + round) % names.length] as T);
}

/** What the service parts compare: the service as it ships, and the bare baseline. */
export type Target = "service" | "baseline";

/**
 * `rounds` measurements of each target, who goes first alternating from one round to the next (a warm page cache
 * or a busy neighbour then favours neither); `onRound` is told when a round starts.
 */
export async function alternately<Result>(
  rounds: number,
  measure: (target: Target, round: number) => Promise<Result>,
  onRound?: (round: number) => void,
): Promise<Record<Target, Result[]>> {
  const results: Record<Target, Result[]> = { service: [], baseline: [] };
  for (let round = 0; round < rounds; round++) {
    onRound?.(round);
    for (const target of rotated(["service", "baseline"] as const, round))
      results[target].push(await measure(target, round));
  }
  return results;
}

export interface RoundSettings extends LoadSettings {
  rounds: number;
  /** Load before the measured rounds, not recorded: JIT and connection pools settle (whole seconds; 0: none). */
  warmupSec: number;
}

/**
 * Loads each target in turn, round after round, rotating who goes first: drift on a shared machine (another
 * job starting, a CPU frequency change) then lands on every target alike instead of on whichever ran last.
 */
export async function interleavedRounds<T extends string>(
  targets: Readonly<Record<T, ServerProcess>>,
  workload: Workload,
  settings: RoundSettings,
  progress: (message: string) => void,
): Promise<Record<T, LoadResult[]>> {
  const names = Object.keys(targets) as T[];
  const results = Object.fromEntries(names.map((name) => [name, [] as LoadResult[]])) as Record<T, LoadResult[]>;
  if (settings.warmupSec > 0) {
    progress(`${workload.label}: warm-up ${settings.warmupSec} s each (${names.join(", ")})`);
    for (const name of names) {
      await runLoad(targets[name].baseUrl, workload, { ...settings, durationSec: settings.warmupSec });
    }
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(names, round)) {
      progress(`${workload.label}: round ${round + 1}/${settings.rounds}, ${name} (${settings.durationSec} s)`);
      results[name].push(await runLoad(targets[name].baseUrl, workload, settings));
    }
  }
  return results;
}
