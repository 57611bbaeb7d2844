import { chmod, copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES, VERSION } from "../src/index.ts";
import { ecsError, useFakeEcs } from "./support/fake-ecs.ts";
import {
  BUNDLE,
  CONTAINER,
  DIGEST,
  describeTaskDefinitionResponse,
  ECS_TARGET_PREFIX,
  FAMILY,
  GOLDEN_DIR,
  makeTempDir,
  PORT,
  REGION,
  REPOSITORY,
  ROOT_APPSPEC,
  ROOT_TASKDEF_TEMPLATE,
  removeDir,
  runBundle,
  snapshotDir,
  TEMPLATE_ENV,
} from "./support/fixtures.ts";

/** The built dist/cli.js, run as CodeBuild runs it: `node dist/cli.js`, configured through the environment. */
const ecs = useFakeEcs();
let work: string;

beforeEach(async () => {
  work = await makeTempDir();
  // A copy of the bundle outside the workspace: proves it needs no node_modules.
  await copyFile(BUNDLE, join(work, "cli.js"));
  await copyFile(ROOT_APPSPEC, join(work, "appspec.yaml"));
});
afterEach(async () => {
  await removeDir(work);
});

/** Runs the copy of the bundle in the temporary folder (outside the workspace: no node_modules to lean on). */
function run(args: string[], env: Record<string, string>, user: { uid?: number; gid?: number } = {}) {
  return runBundle(args, { cwd: work, env, bundle: join(work, "cli.js"), ...user });
}

const LOCAL_AWS = () => ({
  AWS_ENDPOINT_URL_ECS: ecs.url,
  AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
  AWS_SECRET_ACCESS_KEY: "local-test-secret",
  AWS_REGION: REGION,
});

const REGISTERED_ENV = () => ({
  ...LOCAL_AWS(),
  TASK_FAMILY: FAMILY,
  CONTAINER_NAME: CONTAINER,
  CONTAINER_PORT: String(PORT),
  IMAGE_URI: `${REPOSITORY}:4e1f9b2`,
  IMAGE_DIGEST: DIGEST,
  HOOK_AFTER_ALLOW_TEST_TRAFFIC: "bluegreen-sample-service-smoke-test",
});

describe("the bundled CLI (dist/cli.js)", () => {
  it("is one self-contained file", async () => {
    const size = (await stat(BUNDLE)).size;
    expect(size).toBeGreaterThan(100_000);
    const text = await readFile(BUNDLE, "utf8");
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(text).not.toMatch(/from\s*"(@aws-sdk|@smithy|yaml)/);
  });

  it("prints help with the exit codes, and its version", async () => {
    const help = await run(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toContain("--family <family>       TASK_FAMILY");
    const version = await run(["--version"], {});
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("renders registered mode from the environment alone, against the local ECS endpoint", async () => {
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    const result = await run(["--out", "out"], REGISTERED_ENV());

    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toContain(`imageUri=${REPOSITORY}@${DIGEST}`);
    expect(ecs.requests.map((request) => [request.target, request.body])).toEqual([
      [`${ECS_TARGET_PREFIX}.DescribeTaskDefinition`, { taskDefinition: FAMILY, include: ["TAGS"] }],
    ]);
    for (const name of ["taskdef.json", "appspec.yaml", "imageDetail.json"]) {
      expect(await readFile(join(work, "out", name), "utf8")).toBe(
        await readFile(join(GOLDEN_DIR, "registered", name), "utf8"),
      );
    }
  });

  it("renders template mode equal to the golden files, without any AWS call", async () => {
    const result = await run(
      ["--template", ROOT_TASKDEF_TEMPLATE, "--family", "bluegreen-sample-service", "--out", "out", "--json"],
      {
        ...TEMPLATE_ENV,
        CONTAINER_NAME: CONTAINER,
        CONTAINER_PORT: String(PORT),
        IMAGE_URI: `${REPOSITORY}:4e1f9b2`,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).mode).toBe("template");
    for (const name of ["taskdef.json", "appspec.yaml", "imageDetail.json"]) {
      expect(await readFile(join(work, "out", name), "utf8")).toBe(
        await readFile(join(GOLDEN_DIR, "template", name), "utf8"),
      );
    }
    expect(ecs.requests).toHaveLength(0);
  });

  it("exits 4 with an actionable message for an unknown family", async () => {
    ecs.respondWith(ecsError("ClientException", "Unable to describe task definition."));
    const result = await run(["--out", "out"], REGISTERED_ENV());
    expect(result.code).toBe(EXIT_CODES.aws);
    expect(result.stderr).toContain(`aws error: task definition family "${FAMILY}" not found in ${REGION}`);
    expect(await snapshotDir(join(work, "out"))).toBe("absent");
  });

  it("exits 4 when no region is configured, before any request", async () => {
    const env: Record<string, string> = REGISTERED_ENV();
    delete env.AWS_REGION;
    const result = await run(["--out", "out"], env);
    expect(result.code).toBe(EXIT_CODES.aws);
    expect(result.stderr).toContain("aws error: no AWS region: set AWS_REGION");
    expect(ecs.requests).toHaveLength(0);
  });

  it("exits 4 when no credentials can be found, before any request", async () => {
    const env: Record<string, string> = REGISTERED_ENV();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const result = await run(["--out", "out"], env);
    expect(result.code).toBe(EXIT_CODES.aws);
    expect(result.stderr).toContain("aws error: no AWS credentials");
    expect(ecs.requests).toHaveLength(0);
    expect(await snapshotDir(join(work, "out"))).toBe("absent");
  });

  it("exits 2 on a usage error and 3 on a validation error", async () => {
    const usage = await run(["--port", "x"], REGISTERED_ENV());
    expect(usage.code).toBe(EXIT_CODES.usage);
    const validation = await run(["--template", ROOT_TASKDEF_TEMPLATE, "--out", "out"], REGISTERED_ENV());
    expect(validation.code).toBe(EXIT_CODES.validation);
    expect(validation.stderr).toContain("no value for");
  });

  it("exits 5 and leaves an unwritable output folder as it was", async () => {
    const out = join(work, "locked");
    await mkdir(out);
    await writeFile(join(out, "taskdef.json"), "previous\n");
    const before = await snapshotDir(out);
    const isRoot = process.getuid?.() === 0;
    // Root ignores permission bits, so as root the CLI runs as the unprivileged `nobody` user on a root-owned
    // folder; otherwise the folder itself is made read-only.
    if (isRoot) {
      await chmod(work, 0o755);
      for (const file of ["cli.js", "appspec.yaml"]) await chmod(join(work, file), 0o644);
    } else {
      await chmod(out, 0o555);
    }
    const template = join(work, "taskdef.template.json");
    await copyFile(ROOT_TASKDEF_TEMPLATE, template);
    await chmod(template, 0o644);

    const result = await run(
      ["--template", template, "--family", FAMILY, "--out", out],
      { ...TEMPLATE_ENV, CONTAINER_NAME: CONTAINER, CONTAINER_PORT: String(PORT), IMAGE_URI: `${REPOSITORY}:4e1f9b2` },
      isRoot ? { uid: 65534, gid: 65534 } : {},
    );
    await chmod(out, 0o755);

    expect(result.code).toBe(EXIT_CODES.output);
    expect(result.stderr).toContain(
      `output error: cannot write ${join(out, "taskdef.json")}: permission denied (EACCES)`,
    );
    expect(await snapshotDir(out)).toEqual(before);
  });
});
