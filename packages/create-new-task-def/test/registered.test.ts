import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ECSClient } from "@aws-sdk/client-ecs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsError, createNewTaskDef, EXIT_CODES, main } from "../src/index.ts";
import { ecsError, useFakeEcs } from "./support/fake-ecs.ts";
import {
  CONTAINER,
  DIGEST,
  describeTaskDefinitionResponse,
  ECS_TARGET_PREFIX,
  FAMILY,
  makeTempDir,
  PORT,
  READ_ONLY_MEMBERS,
  REGION,
  REPOSITORY,
  ROOT_APPSPEC,
  removeDir,
  snapshotDir,
} from "./support/fixtures.ts";
import { expectGolden } from "./support/golden.ts";

const ecs = useFakeEcs();
let out: string;

beforeEach(async () => {
  out = await makeTempDir();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await removeDir(out);
});

/** The real SDK client, pointed at the local ECS endpoint with dummy credentials. */
function localClient(): ECSClient {
  return new ECSClient({
    region: REGION,
    endpoint: ecs.url,
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
  });
}

function registeredOptions(overrides: Record<string, unknown> = {}) {
  return {
    family: FAMILY,
    container: CONTAINER,
    port: PORT,
    image: `${REPOSITORY}:4e1f9b2`,
    digest: DIGEST,
    out,
    appspec: ROOT_APPSPEC,
    hooks: { AfterAllowTestTraffic: "bluegreen-sample-service-smoke-test" },
    ...overrides,
  };
}

/** What CLI runs in-process see as process.env for the SDK: the local endpoint and dummy credentials only. */
function stubLocalAws(extra: Record<string, string> = {}): void {
  vi.stubEnv("AWS_ENDPOINT_URL_ECS", ecs.url);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-test-secret");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
  vi.stubEnv("AWS_PROFILE", "");
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_REGION", REGION);
  for (const [key, value] of Object.entries(extra)) vi.stubEnv(key, value);
}

async function runMain(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, {
    env: process.env,
    cwd: out,
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
  });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

const cliArgs = ["--family", FAMILY, "--container", CONTAINER, "--port", String(PORT), "--appspec", ROOT_APPSPEC];

describe("registered mode through the library API", () => {
  it("sends DescribeTaskDefinition for the family with TAGS over the ECS JSON protocol", async () => {
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} });

    expect(ecs.requests).toHaveLength(1);
    const [request] = ecs.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/");
    expect(request?.target).toBe(`${ECS_TARGET_PREFIX}.DescribeTaskDefinition`);
    expect(request?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/eu-west-1\/ecs\//,
    );
    expect(request?.body).toEqual({ taskDefinition: FAMILY, include: ["TAGS"] });
  });

  it("writes taskdef.json, appspec.yaml and imageDetail.json equal to the golden files", async () => {
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    const result = await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} });

    expect(result.mode).toBe("registered");
    expect(result.imageUri).toBe(`${REPOSITORY}@${DIGEST}`);
    expect(result.files).toEqual({
      taskdef: join(out, "taskdef.json"),
      appspec: join(out, "appspec.yaml"),
      imageDetail: join(out, "imageDetail.json"),
    });
    await expectGolden("registered/taskdef.json", await readFile(result.files.taskdef, "utf8"));
    await expectGolden("registered/appspec.yaml", await readFile(result.files.appspec, "utf8"));
    await expectGolden("registered/imageDetail.json", await readFile(result.files.imageDetail, "utf8"));
    expect(Object.keys(await snapshotDir(out)).sort()).toEqual(["appspec.yaml", "imageDetail.json", "taskdef.json"]);
  });

  it("drops every read-only member, keeps tags and every other setting, and swaps only the named container's image", async () => {
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    const result = await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} });
    const written = JSON.parse(await readFile(result.files.taskdef, "utf8"));

    const { taskDefinition, tags } = describeTaskDefinitionResponse();
    // aws:-prefixed tags are AWS-managed: RegisterTaskDefinition refuses them, so only the user's tags carry over.
    const expected: Record<string, unknown> = { ...taskDefinition, tags: [tags[0]] };
    expect(tags[1]?.key).toBe("aws:cloudformation:stack-name");
    for (const key of READ_ONLY_MEMBERS) delete expected[key];
    expected.containerDefinitions = [
      { ...taskDefinition.containerDefinitions[0], image: "<IMAGE1_NAME>" },
      taskDefinition.containerDefinitions[1],
    ];
    expect(written).toEqual(expected);
    for (const key of READ_ONLY_MEMBERS) expect(written).not.toHaveProperty(key);
  });

  it("leaves tags out when the family has none", async () => {
    ecs.respondWith({ status: 200, body: { ...describeTaskDefinitionResponse(), tags: [] } });
    const result = await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} });
    expect(JSON.parse(await readFile(result.files.taskdef, "utf8"))).not.toHaveProperty("tags");
  });

  it("retries a throttled call with the SDK's retry strategy, then succeeds", async () => {
    ecs.respondWith(ecsError("ThrottlingException", "Rate exceeded"), {
      status: 200,
      body: describeTaskDefinitionResponse(),
    });
    const result = await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} });

    expect(result.mode).toBe("registered");
    expect(ecs.requests).toHaveLength(2);
    expect(ecs.requests.map((request) => request.headers["amz-sdk-request"])).toEqual([
      expect.stringMatching(/^attempt=1; max=3$/),
      expect.stringMatching(/^attempt=2; max=3$/),
    ]);
    expect(ecs.requests[1]?.body).toEqual({ taskDefinition: FAMILY, include: ["TAGS"] });
  });

  it("reports an unknown family as an AwsError that says what to do", async () => {
    ecs.respondWith(ecsError("ClientException", "Unable to describe task definition."));
    const error = await createNewTaskDef(registeredOptions(), { ecsClient: localClient(), env: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toContain(`task definition family "${FAMILY}" not found in ${REGION}`);
    expect(error.message).toContain("--template");
    expect(await snapshotDir(out)).toEqual({});
  });
});

describe("registered mode through the CLI (in-process, SDK configured from the environment)", () => {
  it("uses AWS_ENDPOINT_URL_ECS and the env credentials, prints the written paths", async () => {
    stubLocalAws();
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    const { code, stdout, stderr } = await runMain([...cliArgs, "--image", `${REPOSITORY}@${DIGEST}`]);

    expect(stderr).toContain(`describing the newest revision of task definition family ${FAMILY}`);
    expect(code).toBe(EXIT_CODES.ok);
    expect(stdout).toBe(
      [
        "mode=registered",
        `taskdef=${join(out, "taskdef.json")}`,
        `appspec=${join(out, "appspec.yaml")}`,
        `imageDetail=${join(out, "imageDetail.json")}`,
        `imageUri=${REPOSITORY}@${DIGEST}`,
        "",
      ].join("\n"),
    );
    expect(ecs.requests).toHaveLength(1);
    expect(JSON.parse(await readFile(join(out, "imageDetail.json"), "utf8"))).toEqual({
      ImageURI: `${REPOSITORY}@${DIGEST}`,
    });
  });

  it("gives up after the configured attempts when ECS keeps throttling (AWS_MAX_ATTEMPTS applies), writing nothing", async () => {
    stubLocalAws({ AWS_MAX_ATTEMPTS: "2" });
    ecs.respondWith(ecsError("ThrottlingException", "Rate exceeded"));
    const { code, stderr } = await runMain([...cliArgs, "--image", `${REPOSITORY}:4e1f9b2`]);

    expect(code).toBe(EXIT_CODES.aws);
    expect(ecs.requests).toHaveLength(2);
    expect(stderr).toContain("aws error: ECS throttled ecs:DescribeTaskDefinition on all 2 attempts");
    expect(await snapshotDir(out)).toEqual({});
  });

  it("names the missing permission on AccessDeniedException", async () => {
    stubLocalAws();
    ecs.respondWith(
      ecsError(
        "AccessDeniedException",
        `User: arn:aws:sts::123456789012:assumed-role/codebuild/x is not authorized to perform: ecs:DescribeTaskDefinition on resource: * because no identity-based policy allows the ecs:DescribeTaskDefinition action`,
      ),
    );
    const { code, stderr } = await runMain([...cliArgs, "--image", `${REPOSITORY}:4e1f9b2`]);

    expect(code).toBe(EXIT_CODES.aws);
    expect(stderr).toContain("access denied: the credentials in use need permission ecs:DescribeTaskDefinition");
    expect(ecs.requests).toHaveLength(1);
    expect(await snapshotDir(out)).toEqual({});
  });

  it("fails with exit 4 on an unknown family, leaving the output folder as it was", async () => {
    stubLocalAws();
    ecs.respondWith(ecsError("ClientException", "Unable to describe task definition."));
    const { code, stderr } = await runMain([...cliArgs, "--image", `${REPOSITORY}:4e1f9b2`]);

    expect(code).toBe(EXIT_CODES.aws);
    expect(stderr.trim().split("\n").at(-1)).toMatch(
      /^create-new-task-def: aws error: task definition family .* not found/,
    );
    expect(await snapshotDir(out)).toEqual({});
  });

  it("rejects a registered task definition that lacks the container or the port, naming what exists", async () => {
    stubLocalAws();
    ecs.respondWith({ status: 200, body: describeTaskDefinitionResponse() });
    // cliArgs with one flag's value replaced.
    const withValue = (flag: string, value: string) =>
      runMain([...cliArgs.map((arg, i) => (cliArgs[i - 1] === flag ? value : arg)), "--image", `${REPOSITORY}:x`]);
    const wrongContainer = await withValue("--container", "web");
    expect(wrongContainer.code).toBe(EXIT_CODES.validation);
    expect(wrongContainer.stderr).toContain(
      'has no container named "web" (containers: sample-service, otel-collector)',
    );

    const wrongPort = await withValue("--port", "8080");
    expect(wrongPort.code).toBe(EXIT_CODES.validation);
    expect(wrongPort.stderr).toContain("container sample-service does not map port 8080 (mapped: 3000)");
    expect(await snapshotDir(out)).toEqual({});
  });
});
