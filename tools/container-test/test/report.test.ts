import { describe, expect, it } from "vitest";
import { ContainerTestFailure, type ContainerTestResult, checkMainProcess, checkStop } from "../src/container-test.ts";
import { formatFailure, formatMs, formatReport, reportJson } from "../src/report.ts";

const result: ContainerTestResult = {
  service: "sample-service",
  engine: "buildah",
  image: "localhost/sample-service:container-test",
  baseImage: "localhost/stand-in/node:24-bookworm-slim",
  buildMs: 48_960,
  sizes: { imageBytes: 293_800_448, addedBytes: 3_841_024, baseBytes: 289_959_424, addedLayers: 1 },
  healthUrl: "http://127.0.0.1:46111/health",
  startToHealthyMs: 1495.4,
  mainProcess: { uid: 1000, argv: ["node", "dist/server.js"], isPid1: false },
  stop: { exitCode: 0, elapsedMs: 181.2, timedOut: false },
  stopTimeoutMs: 30_000,
};

describe("formatReport", () => {
  it("prints every measurement, aligned", () => {
    expect(formatReport(result)).toBe(
      [
        "container test passed: sample-service",
        "  engine            buildah",
        "  image             localhost/sample-service:container-test",
        "  base image        localhost/stand-in/node:24-bookworm-slim",
        "  build time        49.0 s",
        "  image size        293.8 MB (293800448 bytes)",
        "  added by service  3.8 MB (3841024 bytes in 1 layer on a 290.0 MB base)",
        "  start to healthy  1495 ms (http://127.0.0.1:46111/health)",
        "  main process      node dist/server.js (uid 1000): non-root, node",
        "  SIGTERM           exit 0 after 181 ms (limit 30.0 s)",
      ].join("\n"),
    );
  });

  it("says PID 1 when the engine gives the container its own PID namespace", () => {
    const docker = { ...result, engine: "docker" as const, mainProcess: { ...result.mainProcess, isPid1: true } };
    expect(formatReport(docker)).toContain("(uid 1000, PID 1)");
  });
});

describe("reportJson", () => {
  it("writes whole numbers for the measurements", () => {
    expect(JSON.parse(reportJson(result))).toEqual({
      service: "sample-service",
      engine: "buildah",
      image: "localhost/sample-service:container-test",
      baseImage: "localhost/stand-in/node:24-bookworm-slim",
      buildMs: 48960,
      imageBytes: 293800448,
      addedBytes: 3841024,
      baseBytes: 289959424,
      startToHealthyMs: 1495,
      uid: 1000,
      command: ["node", "dist/server.js"],
      stopMs: 181,
      exitCode: 0,
    });
  });
});

describe("formatFailure", () => {
  it("puts the container's last lines under the problem", () => {
    expect(formatFailure("GET /health did not answer 200", ["listening", "boom"])).toBe(
      "container test FAILED: GET /health did not answer 200\nlast 2 lines of the container's output:\n  | listening\n  | boom",
    );
    expect(formatFailure("no engine")).toBe("container test FAILED: no engine");
  });
});

describe("formatMs", () => {
  it("uses ms below a second and seconds above", () => {
    expect(formatMs(999.4)).toBe("999 ms");
    expect(formatMs(30_000)).toBe("30.0 s");
  });
});

describe("checks on the running container", () => {
  const logs = { recentLogs: () => ["last line"] };

  it("rejects root and a shell in front of node, with the logs", () => {
    expect(() => checkMainProcess({ uid: 0, argv: ["node", "dist/server.js"], isPid1: true }, logs)).toThrow(
      "the service runs as root (uid 0)",
    );
    try {
      checkMainProcess({ uid: 1000, argv: ["/bin/sh", "-c", "node dist/server.js"], isPid1: true }, logs);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ContainerTestFailure);
      expect((error as ContainerTestFailure).message).toContain(
        "main process is `/bin/sh -c node dist/server.js`, not node",
      );
      expect((error as ContainerTestFailure).logs).toEqual(["last line"]);
    }
    expect(() =>
      checkMainProcess({ uid: 1000, argv: ["/usr/local/bin/node", "dist/server.js"], isPid1: true }, logs),
    ).not.toThrow();
  });

  it("rejects a kill after the timeout and a non-zero exit", () => {
    expect(() => checkStop({ exitCode: null, elapsedMs: 30_000, timedOut: true }, 30_000, logs)).toThrow(
      "did not exit within 30000 ms of SIGTERM and was killed",
    );
    expect(() => checkStop({ exitCode: 1, elapsedMs: 20, timedOut: false }, 30_000, logs)).toThrow(
      "exited with code 1 after SIGTERM",
    );
    expect(() => checkStop({ exitCode: 0, elapsedMs: 20, timedOut: false }, 30_000, logs)).not.toThrow();
  });
});
