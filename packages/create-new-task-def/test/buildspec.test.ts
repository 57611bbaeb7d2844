// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the placeholder syntax these tests exercise
import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildStageVariables, serviceNames } from "@repo/service-contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLI_FLAGS } from "../src/index.ts";
import { useFakeEcs } from "./support/fake-ecs.ts";
import {
  ACCOUNT,
  BUNDLE,
  CACHE_REPOSITORY,
  DIGEST,
  describeTaskDefinitionResponse,
  ECS_TARGET_PREFIX,
  FAMILY,
  GOLDEN_DIR,
  makeTempDir,
  REGION,
  REPO_ROOT,
  REPOSITORY,
  removeDir,
  SAMPLE_MANIFEST,
  snapshotDir,
} from "./support/fixtures.ts";

const text = await readFile(join(REPO_ROOT, "buildspec.yml"), "utf8");
const buildspec = parse(text);
const PHASES = ["install", "pre_build", "build", "post_build"] as const;
type Phase = (typeof PHASES)[number];
const commands = (phase: Phase): string[] => buildspec.phases[phase].commands;
const allCommands = PHASES.flatMap(commands);
const cliCommand = commands("post_build").find((command) => command.includes("create-new-task-def/dist/cli.js")) ?? "";

describe("buildspec.yml structure", () => {
  it("is version 0.2, runs bash, and has the four phases in order", () => {
    expect(buildspec.version).toBe(0.2);
    expect(text).toMatch(/^version: 0\.2$/m);
    expect(buildspec.env.shell).toBe("bash");
    expect(Object.keys(buildspec.phases)).toEqual([...PHASES]);
    for (const phase of PHASES) expect(commands(phase).length).toBeGreaterThan(0);
  });

  it("selects the Node.js major of .nvmrc, which the CLI bundle targets too", async () => {
    const nvmrc = (await readFile(new URL("../../../.nvmrc", import.meta.url), "utf8")).trim();
    expect(buildspec.phases.install["runtime-versions"]).toEqual({ nodejs: Number(nvmrc) });
  });

  it("publishes exactly taskdef.json, appspec.yaml and imageDetail.json, from the folder the CLI writes to", () => {
    expect(buildspec.artifacts.files).toEqual(["taskdef.json", "appspec.yaml", "imageDetail.json"]);
    expect(buildspec.artifacts["discard-paths"]).toBe("yes");
    expect(cliCommand).toContain(`--out ${buildspec.artifacts["base-directory"]}`);
  });

  it("documents every environment variable it uses in the header comment", () => {
    const header = text.slice(0, text.indexOf("version: 0.2"));
    // Upper-case names are environment variables; lower-case ones (build_args) are local to a command.
    const used = new Set(
      allCommands.flatMap((command) => [...command.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1] as string)),
    );
    expect(used.size).toBeGreaterThan(10);
    const undocumented = [...used].filter((name) => !new RegExp(`^#\\s+${name}\\b`, "m").test(header));
    expect(undocumented).toEqual([]);
    for (const name of [
      "DOCKERFILE",
      "NODE_IMAGE",
      "HOOK_AFTER_ALLOW_TEST_TRAFFIC",
      "AWS_DEFAULT_REGION",
      "SERVICE_NAME",
    ]) {
      expect(header).toContain(name);
    }
  });

  it("explains every command with a comment", () => {
    const lines = text.slice(text.indexOf("phases:"), text.indexOf("artifacts:")).split("\n");
    const uncommented = lines.filter(
      (line, index) => /^\s+- /.test(line) && !(lines[index - 1] ?? "").trim().startsWith("#"),
    );
    expect(uncommented).toEqual([]);
    expect(lines.filter((line) => /^\s+- /.test(line)).length).toBe(allCommands.length);
  });

  it("makes every multi-line command stop at its first failing line", () => {
    for (const command of allCommands.filter((c) => c.trim().includes("\n"))) {
      expect(command.startsWith("set -euo pipefail\n"), command).toBe(true);
    }
  });

  it("guards post_build with CODEBUILD_BUILD_SUCCEEDING", () => {
    expect(commands("post_build")[0]).toContain('"${CODEBUILD_BUILD_SUCCEEDING:-0}" != "1"');
  });

  it("builds only the create-new-task-def package, from a filtered frozen install", () => {
    const install = commands("install").join("\n");
    expect(install).toContain("pnpm install --frozen-lockfile --filter @repo/create-new-task-def");
    expect(install).toContain("pnpm --filter @repo/create-new-task-def build");
  });

  it("calls the CLI only with flags the CLI has, in registered mode", () => {
    const flags = [...cliCommand.matchAll(/--([a-z-]+)/g)].map((match) => match[1]);
    expect(flags.length).toBeGreaterThan(4);
    for (const flag of flags) expect(CLI_FLAGS).toContain(flag);
    expect(flags).toContain("family");
    expect(flags).not.toContain("template");
  });

  it("keeps a commented S3 cache example", () => {
    expect(text).toMatch(/^# cache:\n#\s+paths:/m);
  });
});

/**
 * Runs the pre_build, build and post_build commands with bash, as CodeBuild would (one shell, env carried over,
 * stopping at the first failing command). No Docker daemon or AWS here: `docker` and `aws` are small scripts that
 * record their arguments (and docker writes the buildx metadata file); ECS is the local endpoint; the CLI is the
 * real bundle.
 */
describe("buildspec.yml commands, run with bash", () => {
  const ecs = useFakeEcs();
  let source: string;
  let bin: string;
  const log = () => join(source, "tool-calls.log");

  beforeEach(async () => {
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    source = await makeTempDir("cntd-source-");
    bin = join(source, ".fake-bin");
    await mkdir(join(source, "packages", "create-new-task-def", "dist"), { recursive: true });
    await copyFile(BUNDLE, join(source, "packages", "create-new-task-def", "dist", "cli.js"));
    await copyFile(join(REPO_ROOT, "appspec.yaml"), join(source, "appspec.yaml"));
    await mkdir(bin);
    await writeFile(
      join(bin, "docker"),
      `#!/usr/bin/env bash
if [ "$1" = login ]; then password="$(cat)"; set -- "$@" "<stdin: $password>"; fi
{ printf 'docker'; printf ' %s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
if [ "$1" = buildx ] && [ "$2" = build ]; then
  previous=""
  for arg in "$@"; do
    if [ "$previous" = --metadata-file ]; then printf '{"containerimage.digest": "%s"}' "$FAKE_DIGEST" > "$arg"; fi
    previous="$arg"
  done
fi
`,
    );
    await writeFile(
      join(bin, "aws"),
      `#!/usr/bin/env bash\n{ printf 'aws'; printf ' %s' "$@"; printf '\\n'; } >> "$FAKE_LOG"\necho fake-ecr-password\n`,
    );
    await chmod(join(bin, "docker"), 0o755);
    await chmod(join(bin, "aws"), 0o755);
  });
  afterEach(async () => {
    await removeDir(source);
  });

  function runPhases(phases: Phase[], extraEnv: Record<string, string> = {}) {
    const script = ["set -e", ...phases.flatMap(commands)].join("\n");
    const env: Record<string, string> = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: source,
      FAKE_LOG: log(),
      FAKE_DIGEST: DIGEST,
      // What infra sets on the CodeBuild project, from the contract.
      ...buildStageVariables({
        manifest: SAMPLE_MANIFEST,
        serviceDir: "apps/sample-service",
        names: serviceNames("bluegreen", SAMPLE_MANIFEST.name),
        repositoryUri: REPOSITORY,
        cacheRepositoryUri: CACHE_REPOSITORY,
        accountId: ACCOUNT,
      }),
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      CODEBUILD_RESOLVED_SOURCE_VERSION: "4e1f9b2c0ffee0123456789abcdef0123456789a",
      CODEBUILD_BUILD_SUCCEEDING: "1",
      CODEBUILD_SRC_DIR: source,
      HOOK_AFTER_ALLOW_TEST_TRAFFIC: "bluegreen-sample-service-smoke-test",
      AWS_ENDPOINT_URL_ECS: ecs.url,
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: join(source, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(source, "no-aws-credentials"),
      ...extraEnv,
    };
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("bash", ["-c", script], { cwd: source, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  const toolCalls = async () => (await readFile(log(), "utf8")).trim().split("\n");

  it("logs in, builds with the ECR cache, pushes, and writes the three artifacts pinned to the digest", async () => {
    const result = await runPhases(["pre_build", "build", "post_build"]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);

    const cache = `${CACHE_REPOSITORY}:buildcache`;
    const calls = await toolCalls();
    // aws and docker login run as one pipeline, so either may log first.
    expect(calls.slice(0, 2).sort()).toEqual([
      `aws ecr get-login-password --region ${REGION}`,
      `docker login --username AWS --password-stdin ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com <stdin: fake-ecr-password>`,
    ]);
    expect(calls.slice(2)).toEqual([
      "docker buildx create --name ci --driver docker-container --driver-opt image=public.ecr.aws/vend/moby/buildkit:buildx-stable-1 --use --bootstrap",
      [
        "docker buildx build --file apps/sample-service/Dockerfile --build-arg SERVICE=sample-service",
        "--build-arg SERVICE_VERSION=4e1f9b2",
        `--cache-from type=registry,ref=${cache}`,
        `--cache-to type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true`,
        `--provenance=false --tag ${REPOSITORY}:4e1f9b2 --metadata-file .artifacts/build-metadata.json --push .`,
      ].join(" "),
    ]);
    expect(ecs.requests.map((request) => [request.target, request.body])).toEqual([
      [`${ECS_TARGET_PREFIX}.DescribeTaskDefinition`, { taskDefinition: FAMILY, include: ["TAGS"] }],
    ]);
    for (const name of buildspec.artifacts.files as string[]) {
      const written = await readFile(join(source, buildspec.artifacts["base-directory"], name), "utf8");
      expect(written, name).toBe(await readFile(join(GOLDEN_DIR, "registered", name), "utf8"));
    }
  });

  it("passes DOCKERFILE and NODE_IMAGE overrides to the build", async () => {
    const result = await runPhases(["pre_build", "build"], {
      DOCKERFILE: "apps/sample-service/Dockerfile.alt",
      NODE_IMAGE: "registry.example/mirror/node:24-bookworm-slim",
    });
    expect(result.code).toBe(0);
    const build = (await toolCalls()).find((call) => call.startsWith("docker buildx build")) ?? "";
    expect(build).toContain(
      `--file apps/sample-service/Dockerfile.alt --build-arg SERVICE=sample-service --build-arg SERVICE_VERSION=4e1f9b2 --build-arg NODE_IMAGE=registry.example/mirror/node:24-bookworm-slim --cache-from`,
    );
  });

  it.each(["TASK_FAMILY", "CACHE_REPOSITORY_URI"])(
    "stops pre_build with the variable's name when the project does not set %s",
    async (name) => {
      const result = await runPhases(["pre_build"], { [name]: "" });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(name);
      expect(await snapshotDir(join(source, ".artifacts"))).toBe("absent");
    },
  );

  it("writes no artifacts in post_build when the build phase failed", async () => {
    const result = await runPhases(["post_build"], {
      CODEBUILD_BUILD_SUCCEEDING: "0",
      IMAGE_URI: `${REPOSITORY}:4e1f9b2`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("build phase failed: no deploy artifacts written");
    expect(ecs.requests).toHaveLength(0);
    expect(await snapshotDir(join(source, ".artifacts"))).toBe("absent");
  });

  it("fails post_build when buildx reported no digest, before calling ECS", async () => {
    await mkdir(join(source, ".artifacts"));
    await writeFile(join(source, ".artifacts", "build-metadata.json"), "{}");
    const result = await runPhases(["post_build"], { IMAGE_URI: `${REPOSITORY}:4e1f9b2` });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("buildx metadata has no containerimage.digest");
    expect(ecs.requests).toHaveLength(0);
  });
});
