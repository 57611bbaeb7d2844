import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, runChecked } from "@repo/devkit/process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildahEngine } from "../src/engines/buildah.ts";
import { freePort } from "../src/free-port.ts";
import { probe } from "../src/health.ts";

// A real push: buildah to Debian's docker-registry on loopback. Needs root, buildah and docker-registry
// (apt-get install buildah docker-registry); elsewhere it is skipped and says so.
const available =
  process.platform === "linux" &&
  process.getuid?.() === 0 &&
  spawnSync("buildah", ["--version"]).status === 0 &&
  spawnSync("docker-registry", ["--version"]).status === 0;

describe.skipIf(!available)("BuildahEngine.push to a loopback registry", () => {
  const engine = new BuildahEngine();
  const image = `localhost/container-push-test:${process.pid}`;
  let dir: string;
  let registry: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "push-test-"));
    port = await freePort();
    writeFileSync(
      path.join(dir, "config.yml"),
      [
        "version: 0.1",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${path.join(dir, "storage")}`,
        "http:",
        `  addr: 127.0.0.1:${port}`,
        "",
      ].join("\n"),
    );
    registry = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
    for (let attempt = 0; ; attempt++) {
      const answer = await probe(`http://127.0.0.1:${port}/v2/`);
      if ("status" in answer && answer.status === 200) break;
      if (attempt > 100) throw new Error("docker-registry did not start");
      await sleep(50);
    }

    // The smallest real image: one file on an empty base.
    writeFileSync(path.join(dir, "hello.txt"), "hello from the push test\n");
    const container = (await runChecked("buildah", ["from", "scratch"])).stdout.trim();
    await runChecked("buildah", ["copy", container, path.join(dir, "hello.txt"), "/hello.txt"]);
    await runChecked("buildah", ["config", "--cmd", "/hello.txt", container]);
    await runChecked("buildah", ["commit", "--rm", "--quiet", container, image]);
  }, 60_000);

  afterAll(async () => {
    if (registry) {
      registry.kill("SIGTERM");
      await exitOf(registry);
    }
    spawnSync("buildah", ["rmi", image]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("returns the digest under which the registry serves the manifest", async () => {
    const digest = await engine.push(image, `127.0.0.1:${port}/push-test:v1`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const response = await fetch(`http://127.0.0.1:${port}/v2/push-test/manifests/v1`, {
      headers: {
        accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-content-digest")).toBe(digest);
  }, 60_000);
});
