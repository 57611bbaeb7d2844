import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext, BenchPart } from "./context.ts";
import { type BenchReport, type PartId, type PartResult, PartSkipped } from "./model.ts";
import { costPart } from "./parts/cost.ts";
import { deployPart } from "./parts/deploy.ts";
import { imagePart } from "./parts/image.ts";
import { middlewarePart } from "./parts/middleware.ts";
import { shutdownPart } from "./parts/shutdown.ts";
import { startPart } from "./parts/start.ts";
import { synthPart } from "./parts/synth.ts";
import { throughputPart } from "./parts/throughput.ts";
import { turboPart } from "./parts/turbo.ts";
import { renderMarkdown } from "./report.ts";

export const PARTS: Readonly<Record<PartId, BenchPart>> = {
  throughput: throughputPart,
  middleware: middlewarePart,
  shutdown: shutdownPart,
  image: imagePart,
  start: startPart,
  synth: synthPart,
  turbo: turboPart,
  deploy: deployPart,
  cost: costPart,
};

/** Runs one part; a failure or a skip becomes its row in the table instead of ending the run. */
export async function runPart(part: BenchPart, ctx: BenchContext): Promise<PartResult> {
  const started = performance.now();
  const base = { id: part.id, number: part.number, title: part.title };
  const elapsed = () => Math.round((performance.now() - started) / 100) / 10;
  try {
    const output = await part.run(ctx);
    return { ...base, status: "ok", durationSec: elapsed(), ...output, sources: output.sources ?? [] };
  } catch (error) {
    const skipped = error instanceof PartSkipped;
    const reason = error instanceof Error ? error.message : String(error);
    ctx.progress(`${skipped ? "skipped" : "FAILED"}: ${reason}`);
    return {
      ...base,
      status: skipped ? "skipped" : "failed",
      reason,
      durationSec: elapsed(),
      figures: [],
      notes: [],
      raw: null,
      sources: [],
    };
  }
}

/** The table's order is the numbering (1, 1b, 2, ...), whatever order the parts ran in. */
export function sortForTable(parts: PartResult[]): PartResult[] {
  return [...parts].sort((a, b) => a.number.localeCompare(b.number, "en", { numeric: true }));
}

/**
 * Writes benchmarks.md and benchmarks.json: both are written in full to temporary files before either replaces
 * its target, so a failure never leaves a truncated file. Both are laid out by the repository's Biome when it is
 * installed (it formats Markdown and JSON), so `pnpm lint` stays clean with the files committed.
 */
export function writeReport(report: BenchReport, outDir: string, repoRoot: string): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = path.join(outDir, "benchmarks.md");
  const json = path.join(outDir, "benchmarks.json");
  const pending = [
    { file: markdown, text: formatWithBiome(renderMarkdown(report), repoRoot, markdown) },
    { file: json, text: formatWithBiome(`${JSON.stringify(report, null, 2)}\n`, repoRoot, json) },
  ];
  try {
    for (const { file, text } of pending) writeFileSync(`${file}.tmp`, text);
    for (const { file } of pending) renameSync(`${file}.tmp`, file);
  } finally {
    for (const { file } of pending) rmSync(`${file}.tmp`, { force: true });
  }
  return { markdown, json };
}

/** Lays `text` out as the repository's Biome would lay out `file`; unchanged where Biome is not installed. */
function formatWithBiome(text: string, repoRoot: string, file: string): string {
  const biome = path.join(repoRoot, "node_modules", ".bin", "biome");
  if (!existsSync(biome)) return text;
  const formatted = spawnSync(biome, ["format", `--stdin-file-path=${path.relative(repoRoot, file)}`], {
    cwd: repoRoot,
    input: text,
    encoding: "utf8",
  });
  return formatted.status === 0 && formatted.stdout.trim() !== "" ? formatted.stdout : text;
}
