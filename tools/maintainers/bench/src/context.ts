import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineChoice } from "@repo/container";
import type { ServiceManifest } from "@repo/service-contract";
import type { Cleanup } from "./cleanup.ts";
import type { PartId, PartOutput } from "./model.ts";

export interface BenchOptions {
  /** The parts to run, in the order they run. */
  parts: PartId[];
  /** Seconds instead of minutes: checks that every part runs, its figures mean little. */
  smoke: boolean;
  /** Where benchmarks.md and benchmarks.json go; null: print only. */
  outDir: string | null;
  /** The service measured (a folder under apps/). */
  service: string;
  engine: EngineChoice;
  /** Base image for the image part (the Dockerfile's NODE_IMAGE); undefined: the Dockerfile's default. */
  baseImage: string | undefined;
  /** Deploy floor: read these synthesized templates instead of synthesizing. */
  cdkOut: string | undefined;
  /** Keep the temporary folders (copies of the repository, bundles, server logs) for inspection. */
  keepTemp: boolean;
  /** Turbo part: also time the cold test command on this commit, alternating with the working tree. */
  against: AgainstCommit | undefined;
}

export interface AgainstCommit {
  /** As given (a branch, tag or hash). */
  ref: string;
  /** The full hash it names. */
  commit: string;
}

export interface BenchContext {
  repoRoot: string;
  options: BenchOptions;
  manifest: ServiceManifest;
  cleanup: Cleanup;
  /** One progress line on stderr (long parts report each step). */
  progress(message: string): void;
  /** A new temporary folder, removed when the run ends (unless --keep-temp). */
  makeTempDir(label: string): Promise<string>;
}

export function tempDirFactory(cleanup: Cleanup, keep: boolean, progress: (message: string) => void) {
  return async (label: string): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), `bench-${label}-`));
    cleanup.add(`remove ${dir}`, async () => {
      if (keep) progress(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    });
    return dir;
  };
}

export interface BenchPart {
  id: PartId;
  /** Its number in the published table (the numbering). */
  number: string;
  title: string;
  run(ctx: BenchContext): Promise<PartOutput>;
}

/** A part whose run is given the settings of the run's mode: `full`, or `smoke` (seconds instead of minutes). */
export function partWithModes<Settings>(
  about: Pick<BenchPart, "id" | "number" | "title">,
  modes: { full: Settings; smoke: Settings },
  run: (ctx: BenchContext, settings: Settings) => Promise<PartOutput>,
): BenchPart {
  return { ...about, run: (ctx) => run(ctx, ctx.options.smoke ? modes.smoke : modes.full) };
}
