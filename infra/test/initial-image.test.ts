import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { triggerPathsFor } from "@repo/pipeline-triggers";
import type { DiscoveredService } from "@repo/service-contract";
import { AssetHashType, AssetStaging } from "aws-cdk-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { BuildContext } from "../lib/build-context.ts";
import { initialServiceVersion, serviceImageAssetHash } from "../lib/initial-image.ts";
import { makeRepo, manifest, type Scenario, synthesize } from "./support/synth.ts";

const DOCKERIGNORE = readFileSync(path.resolve(import.meta.dirname, "../../.dockerignore"), "utf8");
const DOCKERFILE = "FROM scratch\nARG SERVICE\nCOPY . /repo\n";

/** Two services; billing depends on packages/shared. Plus files no image is built from. */
function repoFiles(): Record<string, string> {
  return {
    ".dockerignore": DOCKERIGNORE,
    "README.md": "# monorepo\n",
    "docs/guide.md": "how to\n",
    "apps/orders/Dockerfile": DOCKERFILE,
    "apps/orders/src/server.ts": "export {};\n",
    "apps/orders/node_modules/left-pad/index.js": "module.exports = 1;\n",
    "apps/orders/dist/server.js": "built\n",
    "apps/billing/Dockerfile": DOCKERFILE,
    "apps/billing/src/server.ts": "export {};\n",
    "apps/billing/node_modules/left-pad/index.js": "module.exports = 1;\n",
    "apps/billing/dist/server.js": "built\n",
    "apps/billing/package.json": JSON.stringify({
      name: "@repo/billing",
      dependencies: { "@repo/shared": "workspace:*" },
    }),
    "packages/shared/package.json": JSON.stringify({ name: "@repo/shared" }),
    "packages/shared/src/index.ts": "export const shared = 1;\n",
    "infra/cdk.out/manifest.json": "{}\n",
    "node_modules/.pnpm/lock.yaml": "x\n",
  };
}

const MANIFESTS = [manifest("orders", 3000), manifest("billing", 3001)];

interface Snapshot {
  templates: Record<string, unknown>;
  imageHashes: Record<string, string>;
}

/** What a deploy of this repository would change: each stack's template and its image assets' hashes. */
function snapshot(s: Scenario): Snapshot {
  const stacks = ["bluegreen-shared", "bluegreen-orders", "bluegreen-billing"];
  const imageHashes: Record<string, string> = {};
  for (const stack of stacks.slice(1)) {
    const assets = JSON.parse(readFileSync(path.join(s.assembly.directory, `${stack}.assets.json`), "utf8")) as {
      dockerImages: Record<string, unknown>;
    };
    imageHashes[stack] = Object.keys(assets.dockerImages).join(",");
  }
  return { templates: Object.fromEntries(stacks.map((stack) => [stack, s.json(stack)])), imageHashes };
}

function edit(root: string, file: string, content: string): void {
  writeFileSync(path.join(root, file), content);
}

describe("the default initial image", () => {
  it("is the service's Dockerfile built from the repository root, honouring the root .dockerignore", () => {
    const s = synthesize({ manifests: MANIFESTS, files: repoFiles(), defaultImage: true, stageAssets: true });
    const assets = JSON.parse(
      readFileSync(path.join(s.assembly.directory, "bluegreen-orders.assets.json"), "utf8"),
    ) as {
      dockerImages: Record<
        string,
        { source: { directory: string; dockerFile: string; dockerBuildArgs: object; platform: string } }
      >;
    };
    const [hash, image] = Object.entries(assets.dockerImages)[0] ?? [];
    const stack = s.infra.services.find((x) => x.service.manifest.name === "orders");
    const paths = triggerPathsFor(s.repoRoot, "apps/orders");
    // Our hash (the trigger paths fingerprinted) reaches the asset's staging: `assetHash` is not in
    // AssetImageProps' type, so this guards the pass-through CDK does today.
    const staging = stack?.node
      .findAll()
      .find((c) => c instanceof AssetStaging && c.sourcePath === s.repoRoot) as unknown as {
      hashType: string;
      customSourceFingerprint: string;
    };
    expect(staging.hashType).toBe(AssetHashType.CUSTOM);
    expect(staging.customSourceFingerprint).toBe(
      serviceImageAssetHash(new BuildContext(s.repoRoot), stack?.service as DiscoveredService, paths),
    );
    expect(image?.source).toMatchObject({
      dockerFile: "apps/orders/Dockerfile",
      dockerBuildArgs: {
        SERVICE: "orders",
        SERVICE_VERSION: initialServiceVersion(new BuildContext(s.repoRoot).fingerprint(paths)),
      },
      platform: "linux/amd64",
    });
    expect(JSON.stringify(image?.source.dockerBuildArgs)).toMatch(/"SERVICE_VERSION":"cdk-[0-9a-f]{12}"/);
    // The Docker build context is still the whole repository (minus .dockerignore): the Dockerfile prunes it.
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
    const task = Object.values(s.json("bluegreen-orders").Resources).find((r) => r.Type === "AWS::ECS::TaskDefinition");
    expect(JSON.stringify(task?.Properties?.ContainerDefinitions)).toContain(
      `container-assets-000000000000-us-east-1:${hash}`,
    );
  });

  it("fingerprints the trigger paths only: their content counts, ignored files and everything else do not", () => {
    const root = makeRepo(MANIFESTS, repoFiles());
    const paths = triggerPathsFor(root, "apps/billing");
    expect(paths).toEqual([
      ".dockerignore",
      "apps/billing/",
      "package.json",
      "packages/shared/",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
    ]);
    // A new BuildContext each time: one fingerprints each path once, as a synth does.
    const fingerprint = () => new BuildContext(root).fingerprint(paths);
    const original = fingerprint();
    expect(fingerprint()).toBe(original);

    edit(root, "README.md", "# monorepo, documented at length\n");
    edit(root, "docs/guide.md", "how to, in more words\n");
    edit(root, "apps/orders/src/server.ts", "export const orders = 'changed';\n");
    edit(root, "apps/billing/node_modules/left-pad/index.js", "module.exports = 'ignored';\n");
    edit(root, "apps/billing/dist/server.js", "rebuilt, and ignored\n");
    edit(root, "infra/cdk.out/manifest.json", '{ "version": "changed" }\n');
    expect(fingerprint()).toBe(original);

    const changes: [string, string][] = [
      ["apps/billing/src/server.ts", "export const billing = 'changed';\n"],
      ["packages/shared/src/index.ts", "export const shared = 'changed';\n"],
      ["pnpm-lock.yaml", "lockfileVersion: '9.0'\n# changed\n"],
      ["apps/billing/Dockerfile", `${DOCKERFILE}# changed\n`],
    ];
    let previous = original;
    for (const [file, content] of changes) {
      edit(root, file, content);
      const next = fingerprint();
      expect({ file, changed: next !== previous }).toEqual({ file, changed: true });
      previous = next;
    }
  });

  it("follows Docker's ignore semantics: a `!` pattern takes a file back from an ignored folder", () => {
    const root = makeRepo(MANIFESTS, {
      ...repoFiles(),
      ".dockerignore": `${DOCKERIGNORE}\n!apps/billing/dist/keep.txt\n`,
      "apps/billing/dist/keep.txt": "kept\n",
    });
    const paths = triggerPathsFor(root, "apps/billing");
    const fingerprint = () => new BuildContext(root).fingerprint(paths);
    const original = fingerprint();
    edit(root, "apps/billing/dist/server.js", "rebuilt, still ignored\n");
    expect(fingerprint()).toBe(original);
    edit(root, "apps/billing/dist/keep.txt", "kept, and changed\n");
    expect(fingerprint()).not.toBe(original);
  });
});

describe("deploying twice (offline: templates and image asset hashes)", () => {
  let root: string;
  let first: Snapshot;
  beforeAll(() => {
    root = makeRepo(MANIFESTS, repoFiles());
    first = snapshot(synthesize({ manifests: MANIFESTS, repoRoot: root, defaultImage: true }));
  });

  it("changes nothing when nothing changed", () => {
    const again = snapshot(synthesize({ manifests: MANIFESTS, repoRoot: root, defaultImage: true }));
    expect(again).toEqual(first);
    expect(Object.values(first.imageHashes).every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
  });

  it("changes nothing for a service when only a README, docs or another service changed", () => {
    edit(root, "README.md", "# monorepo, with a new section\n");
    edit(root, "docs/guide.md", "a longer guide\n");
    edit(root, "apps/billing/src/server.ts", "export const billing = 2;\n");
    const after = snapshot(synthesize({ manifests: MANIFESTS, repoRoot: root, defaultImage: true }));
    expect(after.templates["bluegreen-orders"]).toEqual(first.templates["bluegreen-orders"]);
    expect(after.imageHashes["bluegreen-orders"]).toBe(first.imageHashes["bluegreen-orders"]);
    expect(after.templates["bluegreen-shared"]).toEqual(first.templates["bluegreen-shared"]);
    // The test would be void if nothing were rebuilt: billing's own source did change.
    expect(after.imageHashes["bluegreen-billing"]).not.toBe(first.imageHashes["bluegreen-billing"]);
  });

  it("rebuilds every service that depends on a changed shared package, and only those", () => {
    const before = snapshot(synthesize({ manifests: MANIFESTS, repoRoot: root, defaultImage: true }));
    edit(root, "packages/shared/src/index.ts", "export const shared = 'two';\n");
    const after = snapshot(synthesize({ manifests: MANIFESTS, repoRoot: root, defaultImage: true }));
    expect(after.imageHashes["bluegreen-billing"]).not.toBe(before.imageHashes["bluegreen-billing"]);
    expect(after.imageHashes["bluegreen-orders"]).toBe(before.imageHashes["bluegreen-orders"]);
    expect(after.templates["bluegreen-orders"]).toEqual(before.templates["bluegreen-orders"]);
  });
});
