import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createEngine } from "@repo/container";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  type LocalRegistry,
  manifestDigest,
  pingRegistry,
  registryConfig,
  useExistingRegistry,
} from "../src/registry.ts";
import { checkRegistryHolds, VerificationError } from "../src/verify.ts";
import { startTestRegistry } from "./support/registry.ts";

describe("registryConfig", () => {
  it("listens on loopback only and stores on the filesystem", () => {
    const config = parseYaml(registryConfig({ storageDir: "/var/cache/with space/registry", port: 41234 }));
    expect(config.version).toBe(0.1);
    expect(config.http.addr).toBe("127.0.0.1:41234");
    expect(config.storage.filesystem.rootdirectory).toBe("/var/cache/with space/registry");
  });
});

describe("useExistingRegistry", () => {
  it("accepts only HOST:PORT on loopback (the push is plain HTTP)", async () => {
    await expect(useExistingRegistry("registry.example.com:5000")).rejects.toThrow(
      /only a registry on this machine's loopback/,
    );
    await expect(useExistingRegistry("127.0.0.1")).rejects.toThrow(/expected HOST:PORT/);
  });
});

const isRoot = process.getuid?.() === 0;
const hasRegistry = spawnSync("docker-registry", ["--version"]).status === 0;
const hasBuildah = spawnSync("buildah", ["--version"]).status === 0;
const registrySkip = !hasRegistry
  ? "docker-registry is not installed (apt-get install docker-registry)"
  : !isRoot
    ? "not root"
    : undefined;
if (registrySkip) console.warn(`registry tests skipped: ${registrySkip}`);
const pushSkip = registrySkip ?? (!hasBuildah ? "buildah is not installed (apt-get install buildah)" : undefined);
if (pushSkip && !registrySkip) console.warn(`push test skipped: ${pushSkip}`);

describe.skipIf(registrySkip !== undefined)("the real docker-registry", () => {
  let dir: string;
  let registry: LocalRegistry;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rehearse-registry-"));
    registry = await startTestRegistry(dir);
  }, 30_000);

  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers GET /v2/ with 200 on 127.0.0.1, and is usable as an existing registry", async () => {
    expect(registry.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await pingRegistry(registry.address)).toEqual({ status: 200 });
    expect((await useExistingRegistry(registry.address)).pid).toBeUndefined();
  });

  it("answers 404 for a manifest nobody pushed", async () => {
    expect((await manifestDigest(registry.address, "nothing-here", "v1")).status).toBe(404);
  });

  describe.skipIf(pushSkip !== undefined)("after a real buildah push of a tiny image", () => {
    const image = `localhost/rehearse-registry-test:${process.pid}`;
    let digest: string;

    beforeAll(async () => {
      // The smallest real image: one file on an empty base.
      writeFileSync(path.join(dir, "hello.txt"), "hello from the rehearsal's registry test\n");
      const container = spawnSync("buildah", ["from", "scratch"], { encoding: "utf8" }).stdout.trim();
      expect(spawnSync("buildah", ["copy", container, path.join(dir, "hello.txt"), "/hello.txt"]).status).toBe(0);
      expect(spawnSync("buildah", ["commit", "--rm", "--quiet", container, image]).status).toBe(0);
      digest = await createEngine("buildah").push(image, `${registry.address}/tiny:v1`);
    }, 60_000);

    afterAll(() => {
      spawnSync("buildah", ["rmi", image]);
    });

    it("serves the tag under the digest the push returned", async () => {
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await manifestDigest(registry.address, "tiny", "v1")).toEqual({ status: 200, digest });
      await expect(checkRegistryHolds(`${registry.address}/tiny`, "v1", digest)).resolves.toBeUndefined();
    });

    it("fails the check for another digest, an unknown tag and an unknown repository", async () => {
      const other = `sha256:${"0".repeat(64)}`;
      await expect(checkRegistryHolds(`${registry.address}/tiny`, "v1", other)).rejects.toThrow(
        new VerificationError(
          `the registry serves ${registry.address}/tiny:v1 as ${digest}, but imageDetail.json pins ${other}`,
        ),
      );
      await expect(checkRegistryHolds(`${registry.address}/tiny`, "v2", digest)).rejects.toThrow(/HTTP 404/);
      await expect(checkRegistryHolds(`${registry.address}/other`, "v1", digest)).rejects.toThrow(/HTTP 404/);
    });
  });

  it("stops: /v2/ no longer answers", async () => {
    const second = await startTestRegistry(dir, "second");
    expect(await pingRegistry(second.address)).toEqual({ status: 200 });
    await second.stop();
    expect(await pingRegistry(second.address)).toEqual({ error: "ECONNREFUSED" });
  }, 30_000);
});
