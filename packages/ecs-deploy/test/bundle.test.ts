import { copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES, VERSION } from "../src/index.ts";
import { type FakeEcs, type FakeEcsSetup, startFakeEcs } from "./support/fake-ecs.ts";
import {
  ALARM,
  BUNDLE,
  deployEnv,
  ENDLESS_BAKE,
  IMAGE_URI,
  makeTempDir,
  ROLLBACK_ON_ALARM,
  removeDir,
  runBundle,
  SUCCESS,
  writeBuildArtifacts,
} from "./support/fixtures.ts";

/** The built dist/cli.js, copied out of the workspace (no node_modules to lean on), run as CodeBuild runs it. */
let work: string;
let ecs: FakeEcs | undefined;

beforeEach(async () => {
  work = await makeTempDir();
  await copyFile(BUNDLE, join(work, "cli.js"));
  await writeBuildArtifacts(join(work, "build-output"));
});
afterEach(async () => {
  await ecs?.close();
  ecs = undefined;
  await removeDir(work);
});

/** `undefined` removes a variable. */
async function deployWith(setup: FakeEcsSetup, env: Record<string, string | undefined> = {}) {
  ecs = await startFakeEcs(setup);
  const full = { ...deployEnv(ecs.url), ARTIFACTS_DIR: "build-output", ...env };
  const defined = Object.entries(full).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return run([], Object.fromEntries(defined));
}

/** Runs the copy of the bundle in the temporary folder. */
function run(args: string[], env: Record<string, string> = {}) {
  return runBundle(args, { cwd: work, env, bundle: join(work, "cli.js") });
}

describe("the bundled CLI (dist/cli.js)", () => {
  it("is one self-contained file", async () => {
    expect((await stat(BUNDLE)).size).toBeGreaterThan(100_000);
    const text = await readFile(BUNDLE, "utf8");
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(text).not.toMatch(/from\s*"(@aws-sdk|@smithy|@repo)/);
  });

  it("prints help with the exit codes, and its version", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toContain("--cluster <name|arn>       ECS_CLUSTER");
    const version = await run(["--version"]);
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("deploys from the environment alone and prints the result on stdout, timestamped progress on stderr", async () => {
    const result = await deployWith({ steps: SUCCESS });
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout.split("\n")).toEqual([
      "outcome=deployed",
      expect.stringMatching(
        /^serviceDeploymentArn=arn:aws:ecs:eu-west-1:123456789012:service-deployment\/bluegreen\/sample-service\/deployment-1$/,
      ),
      "taskDefinitionArn=arn:aws:ecs:eu-west-1:123456789012:task-definition/sample-service:8",
      `imageUri=${IMAGE_URI}`,
      "",
    ]);
    const progress = result.stderr.trim().split("\n");
    for (const line of progress) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ecs-deploy: /);
    expect(progress.at(-1)).toMatch(/ecs-deploy: SUCCESSFUL, stage CLEAN_UP/);
  });

  it("exits 6 naming the alarm when ECS rolls back", async () => {
    const result = await deployWith({ steps: ROLLBACK_ON_ALARM });
    expect(result.code).toBe(EXIT_CODES.deploymentFailed);
    expect(result.stderr).toMatch(
      new RegExp(
        `ecs-deploy: deployment failed: service deployment \\S+ ended ROLLBACK_SUCCESSFUL at stage BAKE_TIME: CloudWatch alarm ${ALARM} went into ALARM`,
      ),
    );
    expect(result.stdout).toBe("");
  });

  it("exits 7 at the timeout, after asking ECS to roll back", async () => {
    const result = await deployWith({ steps: ENDLESS_BAKE }, { DEPLOY_TIMEOUT_MINUTES: "0.005" });
    expect(result.code).toBe(EXIT_CODES.timedOut);
    // How far the fake deployment got in 300 ms depends on the machine's load; the message says where it was.
    expect(result.stderr).toMatch(
      /ecs-deploy: timed out: timed out after 300 ms: service deployment \S+ is still (PENDING|IN_PROGRESS)\b.*asked ECS to roll it back/,
    );
    expect(ecs?.bodies("StopServiceDeployment")).toHaveLength(1);
  });

  it("exits 2 on a usage error, 3 on bad artifacts and 4 without a region, before any request", async () => {
    const usage = await deployWith({}, { ECS_SERVICE: "" });
    expect(usage.code).toBe(EXIT_CODES.usage);
    expect(usage.stderr).toContain("usage error: missing required settings: --service / ECS_SERVICE");

    await writeFile(join(work, "build-output", "imageDetail.json"), "{}");
    const validation = await deployWith({});
    expect(validation.code).toBe(EXIT_CODES.validation);
    expect(validation.stderr).toContain("validation error: ");
    expect(validation.stderr).toContain('imageDetail.json: must be {"ImageURI"');
    await writeBuildArtifacts(join(work, "build-output"));

    const aws = await deployWith({ steps: SUCCESS }, { AWS_REGION: undefined });
    expect(aws.code).toBe(EXIT_CODES.aws);
    expect(aws.stderr).toContain("aws error: no AWS region: set AWS_REGION");
    expect(ecs?.requests).toEqual([]);
  });
});
