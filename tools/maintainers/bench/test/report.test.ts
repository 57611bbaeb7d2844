import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { workspaceRoot } from "@repo/service-contract";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseCliArgs } from "../src/args.ts";
import { type BenchReport, figure } from "../src/model.ts";
import { formatValue, renderMarkdown, renderTextTable, tableRows } from "../src/report.ts";
import { sortForTable, writeReport } from "../src/suite.ts";

function report(): BenchReport {
  return {
    schema: "bench-report/1",
    date: "2026-01-02T03:04:05.000Z",
    mode: "full",
    command: "pnpm bench",
    machine: {
      cpu: "Test CPU",
      cores: 2,
      memoryGiB: 4,
      os: "Linux",
      node: "v20.20.0",
      pnpm: "10.34.9",
      loadAverageAtStart: 0.5,
      containerEngine: null,
    },
    parts: sortForTable([
      {
        id: "image",
        number: "4",
        title: "Image",
        status: "skipped",
        reason: "no container engine",
        durationSec: 0,
        figures: [],
        notes: [],
        raw: null,
        sources: [],
      },
      {
        id: "throughput",
        number: "1",
        title: "Throughput",
        status: "ok",
        durationSec: 12.3,
        figures: [
          figure({
            name: "GET / requests/s",
            unit: "req/s",
            value: 8000,
            baseline: 10000,
            baselineLabel: "bare | Express",
            better: "higher",
          }),
          figure({ name: "cold", unit: "s", value: 61.25, better: "lower" }),
        ],
        notes: ["autocannon, 50 connections"],
        raw: {},
        sources: [{ label: "A source", url: "https://docs.aws.amazon.com/x.html" }],
      },
    ]),
  };
}

describe("the table", () => {
  it("shows each figure with its baseline and ratio, in the issue's order, with skipped parts and their reason", () => {
    expect(tableRows(report())).toEqual([
      ["1", "Throughput", "GET / requests/s", "8,000 req/s", "10,000 req/s (bare | Express)", "0.80×"],
      ["", "", "cold", "61.3 s", "—", "—"],
      ["4", "Image", "skipped", "no container engine", "", ""],
    ]);
  });

  it("formats values by unit", () => {
    expect(formatValue(1234.5, "req/s")).toBe("1,234.50 req/s");
    expect(formatValue(3.25, "MB")).toBe("3.3 MB");
    expect(formatValue(2.04, "s")).toBe("2.0 s");
    expect(formatValue(0.06, "s")).toBe("0.06 s");
    expect(formatValue(7, "requests")).toBe("7 requests");
    expect(formatValue(null, "s")).toBe("—");
  });

  it("renders Markdown with the machine, the date, escaped cells, notes and sources", () => {
    const markdown = renderMarkdown(report());
    expect(markdown).toContain("on 2026-01-02");
    expect(markdown).toContain("**Machine:** Test CPU, 2 cores, 4 GiB, Linux; Node v20.20.0, pnpm 10.34.9");
    expect(markdown).toContain(
      "| 1 | Throughput | GET / requests/s | 8,000 req/s | 10,000 req/s (bare \\| Express) | 0.80× |",
    );
    expect(markdown).toContain("- skipped: no container engine");
    expect(markdown).toContain("- autocannon, 50 connections");
    expect(markdown).toContain("- A source: <https://docs.aws.amazon.com/x.html>");
    expect(renderTextTable(report()).split("\n")[0]).toMatch(/^#\s+part\s+figure\s+value\s+baseline\s+ratio$/);
  });
});

/** A temporary folder, removed when the test ends. */
function reportDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-report-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("writeReport", () => {
  it("writes benchmarks.md and benchmarks.json side by side", () => {
    const dir = reportDir();
    const written = writeReport(report(), path.join(dir, "docs"), dir);
    expect(JSON.parse(readFileSync(written.json, "utf8")).parts[0].figures[0].ratio).toBe(0.8);
    expect(readFileSync(written.markdown, "utf8")).toContain("# Benchmarks");
  });

  it("writes files the repository's Biome leaves as they are (pnpm lint stays clean)", () => {
    const dir = reportDir();
    const repoRoot = workspaceRoot(fileURLToPath(import.meta.url));
    const failing = report();
    const skipped = failing.parts.find((part) => part.id === "image");
    if (skipped)
      Object.assign(skipped, { status: "failed", reason: "it broke:\n  line one  \n\n    | a table-like line |\n" });
    const written = writeReport(failing, path.join(dir, "docs"), repoRoot);
    for (const [file, virtual] of [
      [written.markdown, "docs/benchmarks.md"],
      [written.json, "docs/benchmarks.json"],
    ] as const) {
      const text = readFileSync(file, "utf8");
      const biome = spawnSync(
        path.join(repoRoot, "node_modules", ".bin", "biome"),
        ["format", `--stdin-file-path=${virtual}`],
        {
          cwd: repoRoot,
          input: text,
          encoding: "utf8",
        },
      );
      expect(biome.status).toBe(0);
      expect(biome.stdout).toBe(text);
    }
  });

  it("fails with the error and writes nothing when the folder cannot be made", () => {
    const dir = reportDir();
    const out = path.join(dir, "docs");
    writeFileSync(out, "a file where the folder should be");
    expect(() => writeReport(report(), out, dir)).toThrow(/EEXIST|ENOTDIR/);
    expect(readdirSync(dir)).toEqual(["docs"]);
  });

  it("leaves no temporary file behind when a target cannot be replaced", () => {
    const dir = reportDir();
    const out = path.join(dir, "docs");
    mkdirSync(path.join(out, "benchmarks.json", "in-the-way"), { recursive: true });
    expect(() => writeReport(report(), out, dir)).toThrow();
    expect(readdirSync(out).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});

describe("what a full run writes outside tools/maintainers", () => {
  it("is what package.json's `writes` lists, so pnpm plop init removes it with the bench", () => {
    const repoRoot = workspaceRoot(fileURLToPath(import.meta.url));
    const parsed = parseCliArgs([], {}, repoRoot);
    if (parsed.help || !parsed.options.outDir) throw new Error("a full run writes its report");
    const written = writeReport(report(), reportDir(), repoRoot);
    const files = [written.json, written.markdown].map((file) =>
      path.posix.join(path.relative(repoRoot, parsed.options.outDir as string), path.basename(file)),
    );
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { writes: string[] };
    expect(pkg.writes).toEqual(files.sort());
  });
});
