// The CLI run for real: the smoke mode of the cheap parts (real servers, real load, a real synth) and its output's
// shape. Timings are never asserted: they are what the bench reports, not what it is tested for. What fails before
// any part runs is the same tool called in this process (the real process's wiring is the smoke run's).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIo, runTool } from "@repo/devkit/cli";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchReport } from "../src/model.ts";
import { benchTool } from "../src/tool.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The tool in this process, as src/cli.ts runs it: its exit code and what it wrote. */
async function benchInProcess(args: string[]) {
  const output = { stdout: "", stderr: "" };
  const io: CliIo = {
    env: {},
    cwd: PACKAGE_DIR,
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
  };
  return { status: await runTool(benchTool, args, io), ...output };
}

function bench(args: string[], timeoutMs = 30_000) {
  const env = { ...process.env };
  delete env.BENCH_SMOKE;
  return spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: PACKAGE_DIR,
    env,
    encoding: "utf8",
    timeout: timeoutMs,
  });
}

describe("pnpm bench (arguments)", () => {
  it("prints its usage with --help", async () => {
    const result = await benchInProcess(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pnpm bench \[part \.\.\.\] \[options\]/);
    expect(result.stdout).toContain("--smoke");
  });

  it("exits 2 naming an unknown part, and writes nothing", async () => {
    const result = await benchInProcess(["thruput", "--out", "/nonexistent/never-written"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bench: unknown part "thruput"');
  });

  it("exits 2 naming a service that has no manifest", async () => {
    const result = await benchInProcess(["deploy", "--smoke", "--service", "no-such-service"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--service no-such-service: .*service\.json/);
  });
});

describe("pnpm bench --smoke throughput start shutdown deploy cost", () => {
  const out = mkdtempSync(path.join(tmpdir(), "bench-cli-test-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("runs the cheap parts and writes a table and its data", { timeout: 300_000 }, () => {
    const result = bench(["--smoke", "throughput", "start", "shutdown", "deploy", "cost", "--out", out], 290_000);
    expect(result.stderr).not.toContain("FAILED");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/#\s+part\s+figure\s+value\s+baseline\s+ratio/);

    const report = JSON.parse(readFileSync(path.join(out, "benchmarks.json"), "utf8")) as BenchReport;
    expect(report.schema).toBe("bench-report/1");
    expect(report.mode).toBe("smoke");
    expect(new Date(report.date).toString()).not.toBe("Invalid Date");
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.parts.map((part) => [part.number, part.id, part.status])).toEqual([
      ["1", "throughput", "ok"],
      ["2", "start", "ok"],
      ["3", "shutdown", "ok"],
      ["7", "deploy", "ok"],
      ["8", "cost", "ok"],
    ]);

    for (const part of report.parts) {
      expect(part.figures.length).toBeGreaterThan(0);
      for (const fig of part.figures) {
        expect(Number.isFinite(fig.value)).toBe(true);
        if (fig.baseline !== null && fig.baseline !== 0) {
          expect(fig.baselineLabel).toBeTruthy();
          expect(fig.ratio).toBeCloseTo(fig.value / fig.baseline, 2);
        } else {
          expect(fig.ratio).toBeNull();
        }
      }
    }

    const names = (id: string) => report.parts.find((part) => part.id === id)?.figures.map((fig) => fig.name) ?? [];
    expect(names("throughput")).toEqual(
      expect.arrayContaining([
        "GET / requests/s",
        "GET / latency p50",
        "GET / latency p99",
        "POST /greetings requests/s",
        "POST /greetings latency p99",
        "peak RSS under load",
      ]),
    );
    expect(names("start")).toEqual([expect.stringMatching(/^node process start → first 200 on \/health/)]);
    expect(names("shutdown")).toEqual([
      expect.stringMatching(/^failed requests after SIGTERM/),
      expect.stringMatching(/^SIGTERM to process exit/),
    ]);
    // The deploy floor is arithmetic on the synthesized templates: each engine's parts add up.
    const deploy = report.parts.find((part) => part.id === "deploy");
    const value = (name: string) => deploy?.figures.find((fig) => fig.name.startsWith(name))?.value ?? Number.NaN;
    expect(value("CodeDeploy: floor until the deployment completes")).toBe(
      value("CodeDeploy: new task healthy") +
        value("CodeDeploy: traffic shift bake") +
        value("CodeDeploy: termination wait") +
        value("CodeDeploy: deregistration delay"),
    );
    expect(value("ECS engine (same settings): floor until the deployment completes")).toBe(
      value("ECS engine (same settings): new task healthy") +
        value("ECS engine (same settings): traffic shifts") +
        value("ECS engine (same settings): bake time") +
        value("ECS engine (same settings): deregistration delay"),
    );
    expect(deploy?.sources.map((source) => new URL(source.url).hostname)).toEqual(Array(4).fill("docs.aws.amazon.com"));
    // The cost model from the same synth: one service costs the same either way, and sharing saves a load balancer
    // for every service but the first of each 50.
    const cost = report.parts.find((part) => part.id === "cost");
    const one = cost?.figures[0];
    expect(one?.value).toBe(one?.baseline);
    const further = cost?.figures.find((fig) => fig.name === "each further service");
    const lb = (further?.baseline ?? Number.NaN) - (further?.value ?? Number.NaN);
    const hundred = cost?.figures.find((fig) => fig.name.startsWith("100 services"));
    expect((hundred?.baseline ?? 0) - (hundred?.value ?? 0)).toBeCloseTo(98 * lb, 0);

    const markdown = readFileSync(path.join(out, "benchmarks.md"), "utf8");
    // Laid out by Biome: the columns are padded.
    expect(markdown).toMatch(/^\| #\s+\| part\s+\| figure\s+\| value\s+\| baseline\s+\| ratio\s+\|$/m);
    for (const part of report.parts) expect(markdown).toContain(`### ${part.number}. ${part.title}`);
  });
});
