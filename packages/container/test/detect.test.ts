import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chooseEngine, commandProbes, type EngineProbes } from "../src/engines/detect.ts";

function probes(docker: boolean, buildah: boolean): EngineProbes & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async dockerDaemonAnswers() {
      calls.push("docker");
      return docker;
    },
    async buildahInstalled() {
      calls.push("buildah");
      return buildah;
    },
  };
}

describe("chooseEngine", () => {
  it("auto: Docker when its daemon answers, without asking buildah", async () => {
    const p = probes(true, true);
    expect(await chooseEngine("auto", p)).toBe("docker");
    expect(p.calls).toEqual(["docker"]);
  });

  it("auto: buildah when no Docker daemon answers", async () => {
    expect(await chooseEngine("auto", probes(false, true))).toBe("buildah");
  });

  it("auto: a clear error when neither is there", async () => {
    await expect(chooseEngine("auto", probes(false, false))).rejects.toThrow(
      "no container engine: no Docker daemon answers (`docker info` failed) and buildah is not installed",
    );
  });

  it("checks an explicit choice instead of trusting it", async () => {
    expect(await chooseEngine("buildah", probes(true, true))).toBe("buildah");
    expect(await chooseEngine("docker", probes(true, false))).toBe("docker");
    await expect(chooseEngine("docker", probes(false, true))).rejects.toThrow(
      "--engine docker: no Docker daemon answers",
    );
    await expect(chooseEngine("buildah", probes(true, false))).rejects.toThrow(
      "--engine buildah: buildah is not installed",
    );
  });
});

// The probes run real commands found on PATH. A Docker CLI without a daemon exits non-zero from `docker info`,
// which is what stand-in executables reproduce here.
describe("commandProbes", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function pathWith(commands: Record<string, number>): NodeJS.ProcessEnv {
    const dir = mkdtempSync(path.join(tmpdir(), "engine-probe-"));
    dirs.push(dir);
    for (const [name, exitCode] of Object.entries(commands)) {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/sh\nexit ${exitCode}\n`);
      chmodSync(file, 0o755);
    }
    return { PATH: dir };
  }

  it("sees a daemon only when `docker info` succeeds", async () => {
    expect(await commandProbes(pathWith({ docker: 0 })).dockerDaemonAnswers()).toBe(true);
    expect(await commandProbes(pathWith({ docker: 1 })).dockerDaemonAnswers()).toBe(false);
  });

  it("reports missing commands as absent, not as errors", async () => {
    const empty = commandProbes(pathWith({}));
    expect(await empty.dockerDaemonAnswers()).toBe(false);
    expect(await empty.buildahInstalled()).toBe(false);
    expect(await commandProbes(pathWith({ buildah: 0 })).buildahInstalled()).toBe(true);
  });

  it("picks buildah on a machine with a Docker CLI but no daemon", async () => {
    expect(await chooseEngine("auto", commandProbes(pathWith({ docker: 1, buildah: 0 })))).toBe("buildah");
  });
});
