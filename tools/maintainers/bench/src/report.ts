// The published table: the same rows in the terminal, in docs/benchmarks.md and (as data) in benchmarks.json.
import type { BenchReport, Figure, PartResult, Unit } from "./model.ts";

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "—";
  // Seconds below one keep two decimals: a synth phase or a per-service cost of 0.06 s would read "0.1 s".
  const secondsDigits = Math.abs(value) < 1 ? 2 : 1;
  const digits = Number.isInteger(value) ? 0 : unit === "s" ? secondsDigits : unit === "MB" || unit === "ms" ? 1 : 2;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${text} ${unit}`;
}

export function formatRatio(figure: Figure): string {
  if (figure.ratio === null) return "—";
  const text = `${figure.ratio >= 10 ? figure.ratio.toFixed(1) : figure.ratio.toFixed(2)}×`;
  return text;
}

/** Rows of the table: part number, part, figure, value, baseline, ratio. */
export function tableRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const part of report.parts) {
    const number = partNumber(part);
    if (part.status !== "ok") {
      // The first line in the table; the whole reason is in the notes.
      rows.push([number, part.title, part.status, firstLine(part.reason ?? ""), "", ""]);
      continue;
    }
    for (const [index, fig] of part.figures.entries()) {
      const value = formatValue(fig.value, fig.unit) + (fig.detail ? ` (${fig.detail})` : "");
      const baseline = fig.baseline === null ? "—" : `${formatValue(fig.baseline, fig.unit)} (${fig.baselineLabel})`;
      rows.push([
        index === 0 ? number : "",
        index === 0 ? part.title : "",
        fig.name,
        value,
        baseline,
        formatRatio(fig),
      ]);
    }
  }
  return rows;
}

const HEADER = ["#", "part", "figure", "value", "baseline", "ratio"];

export function renderMarkdownTable(report: BenchReport): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map(() => "---").join(" | ")} |`];
  for (const row of tableRows(report)) lines.push(`| ${row.map(escapeCell).join(" | ")} |`);
  return lines.join("\n");
}

/** A plain-text table for the terminal: aligned columns, long cells wrapped by the terminal. */
export function renderTextTable(report: BenchReport): string {
  const rows = [HEADER, ...tableRows(report)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export function renderMarkdown(report: BenchReport): string {
  const sources = report.parts.flatMap((part) => part.sources);
  const m = report.machine;
  const out: string[] = [
    "# Benchmarks",
    "",
    `Written by \`${report.command}\` on ${report.date.slice(0, 10)} (${report.date}); mode: **${report.mode}**. ` +
      "Every figure is measured next to its baseline in the same run (or, for the deploy floor, next to AWS's " +
      "documented defaults); ratio = value ÷ baseline. The raw measurements are in `benchmarks.json`.",
    "",
    "**Machine:** " +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, pnpm ${m.pnpm ?? "unknown"}; ` +
      `container engine: ${m.containerEngine ?? "none"}; 1-minute load average at start: ${m.loadAverageAtStart} ` +
      "(other work on the machine makes every figure noisier).",
    "",
    renderMarkdownTable(report),
    "",
    "## Notes",
    "",
  ];
  for (const part of report.parts) {
    out.push(`### ${partNumber(part)}. ${part.title}`, "");
    if (part.status !== "ok") {
      const [first, ...rest] = (part.reason ?? "").split("\n");
      out.push(`- ${part.status}: ${first ?? ""}`);
      // A top-level block of the non-blank lines: Markdown formatters keep it as it is.
      const lines = rest.map((line) => line.trimEnd()).filter((line) => line.trim() !== "");
      if (lines.length > 0) out.push("", "```text", ...lines, "```", "");
    }
    for (const note of part.notes) out.push(`- ${note}`);
    out.push(`- Took ${part.durationSec.toFixed(1)} s.`, "");
  }
  if (sources.length > 0) {
    out.push("## Sources of the AWS defaults", "");
    for (const source of sources) out.push(`- ${source.label}: <${source.url}>`);
    out.push("");
  }
  return out.join("\n");
}

function partNumber(part: PartResult): string {
  return part.number;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
