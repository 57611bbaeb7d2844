import { formatBytes } from "@repo/container";
import type { ContainerTestResult } from "./container-test.ts";

/** The human summary printed at the end of a passing run. */
export function formatReport(result: ContainerTestResult): string {
  const { sizes, mainProcess, stop } = result;
  const rows: [string, string][] = [
    ["engine", result.engine],
    ["image", result.image],
    ["base image", result.baseImage],
    ["build time", formatMs(result.buildMs)],
    ["image size", `${formatBytes(sizes.imageBytes)} (${sizes.imageBytes} bytes)`],
    [
      "added by service",
      `${formatBytes(sizes.addedBytes)} (${sizes.addedBytes} bytes in ${sizes.addedLayers} layer${sizes.addedLayers === 1 ? "" : "s"} on a ${formatBytes(sizes.baseBytes)} base)`,
    ],
    ["start to healthy", `${Math.round(result.startToHealthyMs)} ms (${result.healthUrl})`],
    [
      "main process",
      `${mainProcess.argv.join(" ")} (uid ${mainProcess.uid}${mainProcess.isPid1 ? ", PID 1" : ""}): non-root, node`,
    ],
    [
      "SIGTERM",
      `exit ${stop.exitCode} after ${Math.round(stop.elapsedMs)} ms (limit ${formatMs(result.stopTimeoutMs)})`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `container test passed: ${result.service}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join("\n");
}

/** The measurements as JSON (for benchmarks and CI logs). */
export function reportJson(result: ContainerTestResult): string {
  return `${JSON.stringify(
    {
      service: result.service,
      engine: result.engine,
      image: result.image,
      baseImage: result.baseImage,
      buildMs: Math.round(result.buildMs),
      imageBytes: result.sizes.imageBytes,
      addedBytes: result.sizes.addedBytes,
      baseBytes: result.sizes.baseBytes,
      startToHealthyMs: Math.round(result.startToHealthyMs),
      uid: result.mainProcess.uid,
      command: result.mainProcess.argv,
      stopMs: Math.round(result.stop.elapsedMs),
      exitCode: result.stop.exitCode,
    },
    null,
    2,
  )}\n`;
}

/** Failure text: the problem, then the container's last output lines when there are any. */
export function formatFailure(message: string, logs: readonly string[] = []): string {
  const lines = [`container test FAILED: ${message}`];
  if (logs.length > 0) {
    lines.push(`last ${logs.length} line${logs.length === 1 ? "" : "s"} of the container's output:`);
    lines.push(...logs.map((line) => `  | ${line}`));
  }
  return lines.join("\n");
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
