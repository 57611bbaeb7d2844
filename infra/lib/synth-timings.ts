// Where one synth's time goes, for `pnpm bench synth`: with INFRA_SYNTH_TIMINGS=<file> the app writes there, per
// phase, the milliseconds spent in it and not in a phase nested inside it. Unset (every other synth), `timed` only
// calls through.
import diagnosticsChannel from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";

export const SYNTH_TIMINGS_ENV = "INFRA_SYNTH_TIMINGS";

export const SYNTH_PHASES = [
  "process start",
  "aws-cdk-lib load",
  "cdk-nag load",
  "other modules load",
  "construct building",
  "lambda bundling",
  "asset hashing",
  "cdk-nag validation",
  "control-tower validation",
  "writing the assembly",
] as const;
export type SynthPhase = (typeof SYNTH_PHASES)[number];

/** What the app writes: each phase's milliseconds, and the process's age when it wrote them. */
export interface SynthTimings {
  phases: Partial<Record<SynthPhase, number>>;
  totalMs: number;
}

const file = process.env[SYNTH_TIMINGS_ENV];
/** The packages whose loading is a phase of its own; any other module's loading is charged to what loads it. */
const PACKAGE_LOADS = new Map<string, SynthPhase>([
  ["aws-cdk-lib", "aws-cdk-lib load"],
  ["cdk-nag", "cdk-nag load"],
]);
const spent = new Map<SynthPhase, number>();
const open: { phase: SynthPhase; start: number; nested: number }[] = [];

function begin(phase: SynthPhase): void {
  open.push({ phase, start: performance.now(), nested: 0 });
}

function end(): void {
  const frame = open.pop();
  if (!frame) return;
  const elapsed = performance.now() - frame.start;
  spent.set(frame.phase, (spent.get(frame.phase) ?? 0) + elapsed - frame.nested);
  const outer = open.at(-1);
  if (outer) outer.nested += elapsed;
}

/** Runs `body`, charging its time (less nested phases') to `phase` when timings are asked for. */
export function timed<T>(phase: SynthPhase, body: () => T): T {
  if (!file) return body();
  begin(phase);
  try {
    return body();
  } finally {
    end();
  }
}

/** `timed` for a promise: only for the entry's sequential awaits (nothing else may begin a phase meanwhile). */
export async function timedAsync<T>(phase: SynthPhase, body: () => Promise<T>): Promise<T> {
  if (!file) return body();
  begin(phase);
  try {
    return await body();
  } finally {
    end();
  }
}

/**
 * Starts the clock: the process's age so far is its start (Node, and the entry's own imports). Loading a CommonJS
 * module of aws-cdk-lib or cdk-nag from outside them (the app's imports, whenever they run) is charged to its
 * package; what those modules require in turn is part of that load.
 */
export function startTimings(): void {
  if (!file) return;
  spent.set("process start", performance.now());
  // Per open require: the package it loads (undefined: none of ours), and whether it began a phase.
  const loads: { pkg: string | undefined; began: boolean }[] = [];
  diagnosticsChannel.tracingChannel("module.require").subscribe({
    start(message) {
      const { id, parentFilename } = message as { id?: unknown; parentFilename?: unknown };
      const current = loads.at(-1)?.pkg;
      // A relative require stays in its parent's package; a bare or absolute one names the package it loads.
      const pkg = String(id).startsWith(".") ? packageOf(String(parentFilename)) : packageOf(String(id));
      const phase = pkg === current || pkg === undefined ? undefined : PACKAGE_LOADS.get(pkg);
      if (phase) begin(phase);
      loads.push({ pkg, began: phase !== undefined });
    },
    end() {
      if (loads.pop()?.began) end();
    },
    asyncStart() {},
    asyncEnd() {},
    error() {},
  });
}

/** The npm package a require specifier or an absolute path under node_modules belongs to; undefined: neither. */
export function packageOf(id: string): string | undefined {
  const marker = "/node_modules/";
  const at = id.lastIndexOf(marker);
  const rest = at >= 0 ? id.slice(at + marker.length) : id.startsWith("/") || id.startsWith("node:") ? "" : id;
  const [first, second] = rest.split("/");
  if (!first) return undefined;
  return first.startsWith("@") && second ? `${first}/${second}` : first;
}

/** Writes the timings (when asked for): call once, after the assembly is written. */
export function writeTimings(): void {
  if (!file) return;
  const timings: SynthTimings = { phases: Object.fromEntries(spent), totalMs: performance.now() };
  writeFileSync(file, `${JSON.stringify(timings, null, 2)}\n`);
}
