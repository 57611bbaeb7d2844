// The shape of every result: one figure per row of the published table, each next to its baseline.
import { ratio, round } from "./stats.ts";

/** In the order they run: the image part builds the image whose container the start part measures. */
export const PART_IDS = [
  "throughput",
  "middleware",
  "shutdown",
  "image",
  "start",
  "synth",
  "turbo",
  "deploy",
  "cost",
] as const;
export type PartId = (typeof PART_IDS)[number];

/** Which direction is an improvement; "none" where neither is (a count of settings, say). */
export type Better = "higher" | "lower" | "none";

export type Unit = "req/s" | "ms" | "s" | "MB" | "requests" | "USD/month";

export interface Figure {
  /** What was measured, e.g. "GET / requests/s". */
  name: string;
  unit: Unit;
  value: number;
  /** The same quantity for the baseline: measured in the same run, or a documented AWS default. */
  baseline: number | null;
  baselineLabel: string | null;
  /** value / baseline; null without a baseline or when it is 0. */
  ratio: number | null;
  better: Better;
  /** Spread or context, shown beside the value (e.g. "min 12, max 15, 5 runs"). */
  detail?: string;
}

export type PartStatus = "ok" | "skipped" | "failed";

export interface PartResult {
  id: PartId;
  /** Its number in the table (the numbering; 1b: the middleware profile). */
  number: string;
  title: string;
  status: PartStatus;
  /** Why the part was skipped or failed. */
  reason?: string;
  durationSec: number;
  figures: Figure[];
  notes: string[];
  /** Every raw measurement behind the figures (each round, each run). */
  raw: unknown;
  sources: Source[];
}

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  pnpm: string | null;
  /** 1-minute load average when the run started: other work on the machine makes every figure noisier. */
  loadAverageAtStart: number;
  containerEngine: string | null;
}

export interface BenchReport {
  schema: "bench-report/1";
  date: string;
  mode: "full" | "smoke";
  command: string;
  machine: MachineDescription;
  parts: PartResult[];
}

/** Documentation a figure relies on (the AWS defaults of the deploy floor). */
export interface Source {
  label: string;
  url: string;
}

/** What a part hands back when it ran. */
export interface PartOutput {
  figures: Figure[];
  notes: string[];
  raw: unknown;
  sources?: Source[];
}

/** Thrown by a part that cannot run here (no container engine, no base image): the reason goes in the table. */
export class PartSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "PartSkipped";
  }
}

export function figure(
  fields: Omit<Figure, "ratio" | "baseline" | "baselineLabel"> & {
    baseline?: number | null;
    baselineLabel?: string | null;
  },
): Figure {
  const baseline = fields.baseline ?? null;
  return {
    ...fields,
    baseline,
    baselineLabel: baseline === null ? null : (fields.baselineLabel ?? null),
    ratio: roundedRatio(fields.value, baseline),
  };
}

function roundedRatio(value: number, baseline: number | null): number | null {
  const exact = ratio(value, baseline);
  return exact === null ? null : round(exact, 3);
}
