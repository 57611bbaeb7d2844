// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the placeholder syntax these tests exercise
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES, main } from "../src/index.ts";
import {
  CONTAINER,
  DIGEST,
  makeTempDir,
  PORT,
  REPOSITORY,
  ROOT_APPSPEC,
  ROOT_TASKDEF_TEMPLATE,
  removeDir,
  snapshotDir,
  TEMPLATE_ENV,
} from "./support/fixtures.ts";

/**
 * Every bad input exits non-zero with ONE clear message naming the field, flag or file, and leaves the output folder
 * exactly as it was. The folder starts with an earlier build's files, so "as it was" is checked byte for byte.
 */
let work: string;
let out: string;
let before: Awaited<ReturnType<typeof snapshotDir>>;

beforeEach(async () => {
  work = await makeTempDir();
  out = join(work, "out");
  await mkdir(out);
  await writeFile(join(out, "taskdef.json"), '{"from": "the previous build"}\n');
  await writeFile(join(out, "appspec.yaml"), "previous: true\n");
  before = await snapshotDir(out);
});
afterEach(async () => {
  await removeDir(work);
});

const ENV = { ...TEMPLATE_ENV, TASK_FAMILY: "bluegreen-sample-service" };
const GOOD = [
  "--template",
  ROOT_TASKDEF_TEMPLATE,
  "--appspec",
  ROOT_APPSPEC,
  "--container",
  CONTAINER,
  "--port",
  String(PORT),
  "--image",
  `${REPOSITORY}:4e1f9b2`,
];

async function run(args: string[], env: Record<string, string> = ENV) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main([...args, "--out", out], {
    env,
    cwd: work,
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
  });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

/** Replaces a flag's value in GOOD. */
function withFlag(flag: string, value: string): string[] {
  const args = [...GOOD];
  const index = args.indexOf(flag);
  if (index === -1) return [...args, flag, value];
  args[index + 1] = value;
  return args;
}

// biome-ignore lint/suspicious/noExplicitAny: each test reaches into the parsed template JSON freely
type TemplateJson = Record<string, any>;

async function writeTemplate(mutate: (template: TemplateJson) => void): Promise<string> {
  const template = JSON.parse(await readFile(ROOT_TASKDEF_TEMPLATE, "utf8"));
  mutate(template);
  const path = join(work, "bad.template.json");
  await writeFile(path, JSON.stringify(template, null, 2));
  return path;
}

async function expectFailure(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  ...fragments: string[]
) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe("");
  const lines = result.stderr.split("\n").filter((line) => line.startsWith("create-new-task-def:"));
  expect(lines, "exactly one error message").toHaveLength(1);
  for (const fragment of fragments) expect(result.stderr).toContain(fragment);
  expect(await snapshotDir(out)).toEqual(before);
}

describe("usage errors (exit 2)", () => {
  it("lists every missing required setting at once", async () => {
    await expectFailure(
      await run(["--appspec", ROOT_APPSPEC], {}),
      EXIT_CODES.usage,
      "usage error: missing required settings: --family / TASK_FAMILY (or --template / TASKDEF_TEMPLATE for template mode), --container / CONTAINER_NAME, --image / IMAGE_URI",
    );
  });

  it.each(["80a", "0", "65536", "3000.5"])("rejects the port %j", async (port) => {
    const result = await run(withFlag("--port", port));
    await expectFailure(result, EXIT_CODES.usage, `got "${port}"`);
  });

  it("rejects a bad CONTAINER_PORT from the environment, naming both sources", async () => {
    const args = GOOD.filter((_, index) => index !== GOOD.indexOf("--port") && index !== GOOD.indexOf("--port") + 1);
    await expectFailure(
      await run(args, { ...ENV, CONTAINER_PORT: "-1" }),
      EXIT_CODES.usage,
      '--port / CONTAINER_PORT must be an integer from 1 to 65535, got "-1"',
    );
  });

  it("rejects an unknown flag", async () => {
    await expectFailure(await run([...GOOD, "--famly", "x"]), EXIT_CODES.usage, "Unknown option '--famly'");
  });

  it("rejects an image without tag or digest, and a malformed digest", async () => {
    await expectFailure(await run(withFlag("--image", REPOSITORY)), EXIT_CODES.usage, "must name a tag or a digest");
    await expectFailure(
      await run([...GOOD, "--digest", "sha256:abc"]),
      EXIT_CODES.usage,
      "--digest / IMAGE_DIGEST must be sha256:",
    );
    await expectFailure(
      await run([...withFlag("--image", `${REPOSITORY}@${DIGEST}`), "--digest", `sha256:${"0".repeat(64)}`]),
      EXIT_CODES.usage,
      "contradicts the digest in --image",
    );
  });

  it("rejects an unknown hook event and a hook that is not a Lambda function", async () => {
    await expectFailure(await run([...GOOD, "--hook", "AfterTraffic=fn"]), EXIT_CODES.usage, "unknown lifecycle event");
    await expectFailure(
      await run(GOOD, { ...ENV, HOOK_AFTER_ALLOW_TEST_TRAFFIC: "not a function" }),
      EXIT_CODES.usage,
      "HOOK_AFTER_ALLOW_TEST_TRAFFIC",
    );
  });

  it("names a template or appspec file that does not exist", async () => {
    await expectFailure(
      await run(withFlag("--template", "missing.json")),
      EXIT_CODES.usage,
      "--template / TASKDEF_TEMPLATE: cannot read missing.json: not found",
    );
    await expectFailure(
      await run(withFlag("--appspec", "nope.yaml")),
      EXIT_CODES.usage,
      "--appspec / APPSPEC_TEMPLATE: cannot read nope.yaml: not found",
    );
  });

  it("refuses an output folder that would overwrite the appspec template", async () => {
    await writeFile(join(out, "appspec.yaml"), await readFile(ROOT_APPSPEC, "utf8"));
    before = await snapshotDir(out);
    await expectFailure(
      await run(withFlag("--appspec", join(out, "appspec.yaml"))),
      EXIT_CODES.usage,
      "would overwrite the --appspec template",
    );
  });
});

describe("validation errors (exit 3)", () => {
  it("names the existing containers when the container is unknown", async () => {
    const template = await writeTemplate((t) => {
      t.containerDefinitions[0].name = "sample-service";
      t.containerDefinitions.push({
        name: "log-router",
        image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        essential: false,
      });
    });
    await expectFailure(
      await run([...withFlag("--template", template), "--container", "web"]),
      EXIT_CODES.validation,
      'containerDefinitions: has no container named "web" (containers: sample-service, log-router)',
    );
  });

  // Each: a template with one kind of mistake, and the lines the one message must contain.
  it.each<[string, (t: TemplateJson) => void, string[]]>([
    [
      "rejects a port that is not one of the container's port mappings",
      (t) => {
        t.containerDefinitions[0].portMappings[0].containerPort = 8080;
      },
      ["containerDefinitions[0].portMappings: container sample-service does not map port 3000 (mapped: 8080)"],
    ],
    [
      "rejects a key that is not a RegisterTaskDefinition input member, with its path and the allowed members",
      (t) => {
        t.containerDefinitions[0].portMappings[0].hostPortt = 3000;
        t.containerDefinitions[0].logConfiguration.logDrivr = "awslogs";
      },
      [
        "containerDefinitions[0].portMappings[0].hostPortt: is not a RegisterTaskDefinition input member of PortMapping (allowed: containerPort, hostPort, protocol,",
        "containerDefinitions[0].logConfiguration.logDrivr: is not a RegisterTaskDefinition input member of LogConfiguration",
      ],
    ],
    [
      "rejects read-only members DescribeTaskDefinition returns",
      (t) => {
        t.revision = 3;
        t.status = "ACTIVE";
        t.taskDefinitionArn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/x:3";
      },
      ["  - revision: is read-only", "  - status: is read-only", "  - taskDefinitionArn: is read-only"],
    ],
    [
      "rejects values of the wrong JSON type",
      (t) => {
        t.containerDefinitions[0].essential = "yes";
        t.cpu = 256;
      },
      ['containerDefinitions[0].essential: must be true or false, got "yes"', "cpu: must be a string, got 256"],
    ],
    [
      "lists every missing Fargate essential",
      (t) => {
        t.requiresCompatibilities = ["EC2"];
        t.networkMode = "bridge";
        delete t.cpu;
        delete t.memory;
        delete t.executionRoleArn;
      },
      [
        'requiresCompatibilities: must include "FARGATE"',
        'networkMode: must be "awsvpc" on Fargate, got "bridge"',
        "  - cpu: is required at task level",
        "  - memory: is required at task level",
        "executionRoleArn: is required because container sample-service logs with awslogs and container sample-service pulls from ECR",
      ],
    ],
    [
      "requires family and containers",
      (t) => {
        t.family = "";
        t.containerDefinitions = [];
      },
      ["  - family: is required", "  - containerDefinitions: is required and must list at least one container"],
    ],
    [
      "requires <IMAGE1_NAME> as the deployed container's image",
      (t) => {
        t.containerDefinitions[0].image = "nginx:latest";
      },
      ["containerDefinitions[0].image: must be <IMAGE1_NAME>"],
    ],
  ])("%s", async (_name, mutate, messages) => {
    const template = await writeTemplate(mutate);
    await expectFailure(await run(withFlag("--template", template)), EXIT_CODES.validation, ...messages);
  });

  it("lists all missing template variables in one message", async () => {
    await expectFailure(
      await run(GOOD, { AWS_DEFAULT_REGION: "" }),
      EXIT_CODES.validation,
      "no value for 10 template variable(s): TASK_FAMILY (--family or TASK_FAMILY), CPU, MEMORY, EXECUTION_ROLE_ARN, TASK_ROLE_ARN, STOP_TIMEOUT, CONTAINER_ENVIRONMENT, CONTAINER_SECRETS, LOG_GROUP, AWS_REGION (AWS_REGION or AWS_DEFAULT_REGION)",
    );
  });

  it("rejects a non-numeric value for a numeric member", async () => {
    await expectFailure(
      await run(GOOD, { ...ENV, STOP_TIMEOUT: "thirty" }),
      EXIT_CODES.validation,
      'containerDefinitions[0].stopTimeout: ${STOP_TIMEOUT} is "thirty", not a number',
    );
  });

  it("rejects a template that is not JSON, naming the file", async () => {
    const path = join(work, "broken.json");
    await writeFile(path, '{"family": "x",');
    await expectFailure(await run(withFlag("--template", path)), EXIT_CODES.validation, `${path}: not valid JSON`);
  });

  it("rejects an appspec template with the wrong TaskDefinition or an unknown placeholder", async () => {
    const appspec = await readFile(ROOT_APPSPEC, "utf8");
    const wrongTaskDefinition = join(work, "wrong-td.yaml");
    await writeFile(
      wrongTaskDefinition,
      appspec.replace("TaskDefinition: <TASK_DEFINITION>", "TaskDefinition: arn:aws:ecs:x"),
    );
    await expectFailure(
      await run(withFlag("--appspec", wrongTaskDefinition)),
      EXIT_CODES.validation,
      "Resources[0].TargetService.Properties.TaskDefinition: must be <TASK_DEFINITION>",
    );
    const unknownPlaceholder = join(work, "unknown.yaml");
    await writeFile(unknownPlaceholder, appspec.replace("ContainerName: ${CONTAINER_NAME}", "ContainerName: ${NAME}"));
    await expectFailure(
      await run(withFlag("--appspec", unknownPlaceholder)),
      EXIT_CODES.validation,
      "unknown placeholder(s) ${NAME}",
    );
  });
});

describe("output errors (exit 5)", () => {
  it("fails when the output path is a file, leaving it as it was", async () => {
    const file = join(work, "not-a-folder");
    await writeFile(file, "keep me");
    const stderr: string[] = [];
    const code = await main([...GOOD, "--out", file], {
      env: ENV,
      cwd: work,
      stdout: () => undefined,
      stderr: (t) => stderr.push(t),
    });
    expect(code).toBe(EXIT_CODES.output);
    expect(stderr.join("")).toContain(`output error: cannot create output folder ${file}`);
    expect(await readFile(file, "utf8")).toBe("keep me");
  });

  it("restores files already replaced when a later one cannot be written", async () => {
    await mkdir(join(out, "imageDetail.json"));
    before = await snapshotDir(out);
    await expectFailure(
      await run(GOOD),
      EXIT_CODES.output,
      `cannot write ${join(out, "imageDetail.json")}: a folder is in the way; the output folder was left as it was`,
    );
  });
});
