import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadServiceManifest, serviceNames } from "@repo/service-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildEvent, runBuildspec } from "../src/build-runner.ts";
import { type Buildspec, type PhaseName, parseBuildspec } from "../src/buildspec.ts";
import { imageEnvironment, projectEnvironment } from "../src/project-env.ts";
import { type LocalRegistry, manifestDigest } from "../src/registry.ts";
import { installShims } from "../src/shims/install.ts";
import { startTestRegistry } from "./support/registry.ts";

// The repository's own buildspec.yml, phase by phase, through the real shims: the commands CodeBuild runs are the
// ones tested here, not a copy of them.
const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const rootBuildspec = parseBuildspec(readFileSync(path.join(REPO_ROOT, "buildspec.yml"), "utf8"));
const manifest = loadServiceManifest(path.join(REPO_ROOT, "apps/sample-service/service.json"));
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function only(...phases: PhaseName[]): Buildspec {
  return {
    ...rootBuildspec,
    phases: Object.fromEntries(phases.map((phase) => [phase, rootBuildspec.phases[phase]])),
  };
}

let work: string;
let binDir: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "rehearse-root-buildspec-"));
  binDir = path.join(work, "bin");
  await installShims(binDir);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runPhases(buildspec: Buildspec, registry: string, extra: Record<string, string> = {}) {
  const sourceDir = path.join(work, `src-${Math.random().toString(36).slice(2)}`);
  mkdirSync(sourceDir, { recursive: true });
  const events: BuildEvent[] = [];
  const outcome = await runBuildspec({
    buildspec,
    sourceDir,
    stateDir: path.join(sourceDir, "..", `${path.basename(sourceDir)}-state`),
    imageEnvironment: imageEnvironment(process.env, { binDir, engine: "buildah" }),
    projectEnvironment: {
      ...projectEnvironment({
        service: { manifest, dir: "apps/sample-service", manifestPath: "apps/sample-service/service.json" },
        names: serviceNames("bluegreen", manifest.name),
        registry,
        commit: COMMIT,
        sourceDir,
        region: "us-east-1",
        buildId: "test:1",
        nodeImage: undefined,
      }),
      ...extra,
    },
    onEvent: (event) => events.push(event),
  });
  const output = events.flatMap((event) => (event.type === "output" ? [event.line] : []));
  return { outcome, output, sourceDir };
}

describe("pre_build of buildspec.yml", () => {
  it("logs in, names the image after the commit and creates the builder, through the shims", async () => {
    const { outcome, output } = await runPhases(only("pre_build"), "127.0.0.1:5000");
    expect(outcome.failures).toEqual([]);
    expect(outcome.environment).toMatchObject({
      IMAGE_TAG: "0123456",
      IMAGE_URI: "127.0.0.1:5000/sample-service:0123456",
    });
    expect(output).toContain("Login Succeeded");
  }, 120_000);

  it("fails at its first command, naming the variable, when the project leaves one unset", async () => {
    const { outcome, output } = await runPhases(only("pre_build"), "127.0.0.1:5000", { TASK_FAMILY: "" });
    expect(outcome.failures).toMatchObject([{ phase: "pre_build", index: 1 }]);
    expect(output.join("\n")).toMatch(/TASK_FAMILY/);
  }, 60_000);
});

const canBuild =
  process.getuid?.() === 0 &&
  spawnSync("buildah", ["--version"]).status === 0 &&
  spawnSync("docker-registry", ["--version"]).status === 0;
if (!canBuild) console.warn("build phase test skipped: needs root, buildah and docker-registry");

describe.skipIf(!canBuild)("build of buildspec.yml, with a tiny Dockerfile (DOCKERFILE)", () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry(work);
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
    spawnSync("buildah", ["rmi", "localhost/rehearse/sample-service:0123456"]);
  });

  it("builds with buildah, pushes to the local registry and writes buildx's metadata with the pushed digest", async () => {
    const dockerfileDir = path.join(work, "tiny");
    mkdirSync(dockerfileDir, { recursive: true });
    writeFileSync(path.join(dockerfileDir, "Dockerfile"), "FROM scratch\nARG SERVICE\nLABEL service=$SERVICE\n");
    const { outcome, output, sourceDir } = await runPhases(only("pre_build", "build"), registry.address, {
      DOCKERFILE: path.join(dockerfileDir, "Dockerfile"),
    });
    expect(outcome.failures).toEqual([]);
    expect(output).toContain(
      "rehearse: --cache-from, --cache-to, --provenance ignored: the local engine (buildah) keeps its own layer cache",
    );
    const metadata = JSON.parse(readFileSync(path.join(sourceDir, ".artifacts/build-metadata.json"), "utf8"));
    expect(metadata["image.name"]).toBe(`${registry.address}/sample-service:0123456`);
    const served = await manifestDigest(registry.address, "sample-service", "0123456");
    expect(served.status).toBe(200);
    expect(metadata["containerimage.digest"]).toBe(served.digest);
  }, 180_000);
});
