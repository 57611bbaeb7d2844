import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DiscoveredService } from "@repo/service-manifest";
import { AssetHashType, AssetStaging } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { buildContextFingerprint, serviceImageAssetHash } from "../lib/initial-image.ts";
import { makeRepo, manifest, synthesize } from "./support/synth.ts";
import { temporaryDir } from "./support/temporary.ts";

const DOCKERIGNORE = readFileSync(path.resolve(import.meta.dirname, "../../.dockerignore"), "utf8");

function repoFiles(): Record<string, string> {
  return {
    ".dockerignore": DOCKERIGNORE,
    "apps/orders/Dockerfile": "FROM scratch\nARG SERVICE\nCOPY . /repo\n",
    "apps/orders/src/server.ts": "export {};\n",
    "apps/orders/node_modules/left-pad/index.js": "module.exports = 1;\n",
    "apps/orders/dist/server.js": "built\n",
    "node_modules/.pnpm/lock.yaml": "x\n",
    "infra/cdk.out/manifest.json": "{}\n",
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
  };
}

describe("the default initial image", () => {
  it("is the service's Dockerfile built from the repository root, honouring the root .dockerignore", () => {
    const s = synthesize({
      manifests: [manifest("orders", 3000)],
      files: repoFiles(),
      defaultImage: true,
      stageAssets: true,
    });
    const assetsFile = path.join(s.assembly.directory, "bluegreen-orders.assets.json");
    const assets = JSON.parse(readFileSync(assetsFile, "utf8")) as {
      dockerImages: Record<
        string,
        { source: { directory: string; dockerFile: string; dockerBuildArgs: object; platform: string } }
      >;
    };
    const [image] = Object.values(assets.dockerImages);
    // Our hash (the build context fingerprinted once per process) reaches the asset's staging: `assetHash` is not in
    // AssetImageProps' type, so this guards the pass-through CDK does today.
    const stack = s.infra.services[0];
    const staging = stack?.node
      .findAll()
      .find((c) => c instanceof AssetStaging && c.sourcePath === s.repoRoot) as unknown as {
      hashType: string;
      customSourceFingerprint: string;
    };
    expect(staging.hashType).toBe(AssetHashType.CUSTOM);
    expect(staging.customSourceFingerprint).toBe(
      serviceImageAssetHash(s.repoRoot, stack?.service as DiscoveredService),
    );
    expect(image?.source).toMatchObject({
      dockerFile: "apps/orders/Dockerfile",
      dockerBuildArgs: { SERVICE: "orders", PORT: "3000" },
      platform: "linux/amd64",
    });
    const staged = path.join(s.assembly.directory, image?.source.directory ?? "");
    const list = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? list(path.join(dir, entry.name)) : [path.relative(staged, path.join(dir, entry.name))],
      );
    const files = list(staged).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        ".dockerignore",
        "apps/orders/Dockerfile",
        "apps/orders/src/server.ts",
        "pnpm-lock.yaml",
      ]),
    );
    expect(files.filter((f) => /node_modules|dist|cdk\.out/.test(f))).toEqual([]);
    // The container definition uses the asset's image.
    const task = Object.values(s.json("bluegreen-orders").Resources).find((r) => r.Type === "AWS::ECS::TaskDefinition");
    expect(JSON.stringify(task?.Properties?.ContainerDefinitions)).toContain("container-assets");
  });

  it("changes its hash when the build context changes, not when ignored files do", () => {
    const root = makeRepo([manifest("orders", 3000)], repoFiles());
    // The fingerprint is cached per folder for the process: fingerprint a fresh copy each time.
    const hash = () => {
      const copy = temporaryDir("context");
      cpSync(root, copy, { recursive: true });
      return buildContextFingerprint(copy);
    };
    const original = hash();
    writeFileSync(path.join(root, "apps/orders/node_modules/left-pad/index.js"), "module.exports = 2;\n");
    writeFileSync(path.join(root, "apps/orders/dist/server.js"), "rebuilt\n");
    expect(hash()).toBe(original);
    writeFileSync(path.join(root, "apps/orders/src/server.ts"), "export const changed = true;\n");
    expect(hash()).not.toBe(original);
  });
});
