import path from "node:path";
import type { BuildEvent } from "./build-runner.ts";
import type { BuildFailure, RehearsalResult } from "./rehearsal.ts";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The progress display: each command as it starts, with its phase; output indented; each phase's duration. */
export function formatBuildEvent(event: BuildEvent): string | undefined {
  switch (event.type) {
    case "phase-start":
      return event.succeeding
        ? `[${event.phase}]`
        : `[${event.phase}] runs after the failed build phase, with CODEBUILD_BUILD_SUCCEEDING=0`;
    case "command-start":
      return `[${event.phase}] ${event.index}/${event.count} $ ${event.title}`;
    case "output":
      return `    | ${event.line}`;
    case "command-end":
      return event.exitCode === 0
        ? undefined
        : `[${event.phase}] command ${event.index} failed (${event.exitCode === null ? "killed" : `exit code ${event.exitCode}`}) after ${seconds(event.durationMs)}`;
    case "phase-end":
      return `[${event.phase}] ${event.outcome.status === "succeeded" ? "succeeded" : "FAILED"} in ${seconds(event.outcome.durationMs)}`;
  }
}

export function formatSummary(result: RehearsalResult, cwd: string): string {
  const relative = path.relative(cwd, result.artifactsDir) || ".";
  const shown = relative.startsWith("..") ? result.artifactsDir : relative;
  const rows: [string, string][] = [
    [
      "source",
      `${result.source.commit}${result.source.dirty ? " + uncommitted changes (CODEBUILD_RESOLVED_SOURCE_VERSION names HEAD)" : ""}`,
    ],
    ["engine", result.engine],
    ["image", result.imageUri],
    ["digest check", `${result.registry.address} serves ${result.service}:${result.imageTag} as ${result.digest}`],
    ["artifacts", `${shown}/: ${result.artifacts.join(", ")}`],
    [
      "exported",
      Object.entries(result.exportedVariables)
        .map(([name, value]) => `${name}=${value}`)
        .join(" "),
    ],
    ["phases", result.phases.map((phase) => `${phase.phase} ${phase.seconds.toFixed(1)} s`).join(", ")],
    ["total", `${result.totalSeconds.toFixed(1)} s`],
  ];
  if (result.registry.kept) {
    rows.push([
      "registry",
      `still running on ${result.registry.address} (pid ${result.registry.pid}, log ${result.registry.logFile}); stop it with kill ${result.registry.pid}`,
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Rehearsal of ${result.service}'s Build stage: SUCCEEDED`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join("\n");
}

export function formatBuildFailure(failure: BuildFailure, artifactsDir: string): string {
  const lines = [`rehearse: FAILED: ${failure.message}`];
  const [first, ...later] = failure.failures;
  if (first && first.recentOutput.length > 0) {
    lines.push("  last output:", ...first.recentOutput.slice(-15).map((line) => `    ${line}`));
  }
  for (const other of later) {
    lines.push(
      `  then phase ${other.phase} failed too, at command ${other.index} (${other.title}): ${other.exitCode === null ? "killed" : `exit code ${other.exitCode}`}`,
    );
  }
  lines.push(
    `  phases: ${failure.phases.map((phase) => `${phase.phase} ${phase.status} (${seconds(phase.durationMs)})`).join(", ")}`,
    `  ${artifactsDir} was left as it was.`,
  );
  if (failure.keptScratch)
    lines.push(`  The scratch copy is kept for inspection: ${failure.keptScratch} (rm -rf it when done).`);
  return lines.join("\n");
}
