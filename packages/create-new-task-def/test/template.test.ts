// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the placeholder syntax these tests exercise
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNewTaskDef, main, renderTaskDefinitionTemplate, ValidationError } from "../src/index.ts";
import {
  ACCOUNT,
  CONTAINER,
  makeTempDir,
  PORT,
  REPOSITORY,
  ROOT_APPSPEC,
  ROOT_TASKDEF_TEMPLATE,
  removeDir,
  SAMPLE_MANIFEST,
  TEMPLATE_ENV,
} from "./support/fixtures.ts";
import { expectGolden } from "./support/golden.ts";

let work: string;
beforeEach(async () => {
  work = await makeTempDir();
});
afterEach(async () => {
  await removeDir(work);
});

function templateOptions(overrides: Record<string, unknown> = {}) {
  return {
    family: "bluegreen-sample-service",
    container: CONTAINER,
    port: PORT,
    image: `${REPOSITORY}:4e1f9b2`,
    template: ROOT_TASKDEF_TEMPLATE,
    appspec: ROOT_APPSPEC,
    out: join(work, "out"),
    hooks: {},
    ...overrides,
  };
}

describe("template mode", () => {
  it("renders the repository's taskdef.template.json and appspec.yaml equal to the golden files", async () => {
    const result = await createNewTaskDef(templateOptions(), { env: TEMPLATE_ENV });

    expect(result.mode).toBe("template");
    expect(result.imageUri).toBe(`${REPOSITORY}:4e1f9b2`);
    await expectGolden("template/taskdef.json", await readFile(result.files.taskdef, "utf8"));
    await expectGolden("template/appspec.yaml", await readFile(result.files.appspec, "utf8"));
    await expectGolden("template/imageDetail.json", await readFile(result.files.imageDetail, "utf8"));
  });

  it("makes numeric members JSON numbers and keeps task cpu/memory strings, as the ECS model types them", async () => {
    const result = await createNewTaskDef(templateOptions(), { env: { ...TEMPLATE_ENV, CPU: "1024", MEMORY: "2048" } });
    const taskdef = JSON.parse(await readFile(result.files.taskdef, "utf8"));

    expect(taskdef.cpu).toBe("1024");
    expect(taskdef.memory).toBe("2048");
    expect(taskdef.containerDefinitions[0].portMappings[0].containerPort).toBe(PORT);
    expect(taskdef.containerDefinitions[0].stopTimeout).toBe(30);
    expect(taskdef.containerDefinitions[0].environment).toContainEqual({ name: "PORT", value: "3000" });
  });

  it("escapes values correctly: quotes, backslashes and newlines survive a JSON round trip", async () => {
    const awkward = '/ecs/"quoted"\\path\nnext \u00e9';
    const result = await createNewTaskDef(templateOptions(), { env: { ...TEMPLATE_ENV, LOG_GROUP: awkward } });
    const taskdef = JSON.parse(await readFile(result.files.taskdef, "utf8"));
    expect(taskdef.containerDefinitions[0].logConfiguration.options["awslogs-group"]).toBe(awkward);
  });

  it("fills placeholders embedded in longer strings, and takes AWS_REGION from AWS_DEFAULT_REGION", () => {
    const text = JSON.stringify({
      executionRoleArn: "arn:aws:iam::${AWS_ACCOUNT_ID}:role/${SERVICE_NAME}-exec",
      family: "f-${AWS_REGION}",
    });
    const rendered = renderTaskDefinitionTemplate(text, "t.json", {
      AWS_ACCOUNT_ID: ACCOUNT,
      SERVICE_NAME: "svc",
      AWS_REGION: "us-east-2",
    });
    expect(rendered).toEqual({ executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/svc-exec`, family: "f-us-east-2" });
  });

  it("lets a flag win over the environment for derived variables and falls back to AWS_DEFAULT_REGION", async () => {
    const env = { ...TEMPLATE_ENV, AWS_REGION: "", AWS_DEFAULT_REGION: "ap-southeast-2", TASK_FAMILY: "from-env" };
    const result = await createNewTaskDef(templateOptions({ family: "from-flag" }), { env });
    const taskdef = JSON.parse(await readFile(result.files.taskdef, "utf8"));
    expect(taskdef.family).toBe("from-flag");
    expect(taskdef.containerDefinitions[0].logConfiguration.options["awslogs-region"]).toBe("ap-southeast-2");
  });

  it("leaves SERVICE_VERSION to the image: the root template sets no environment entry that would override it", async () => {
    const result = await createNewTaskDef(templateOptions(), { env: { ...TEMPLATE_ENV, SERVICE_VERSION: "v1.2.3" } });
    const taskdef = JSON.parse(await readFile(result.files.taskdef, "utf8"));
    const names = taskdef.containerDefinitions[0].environment.map((entry: { name: string }) => entry.name);
    expect(names).toEqual(["LOG_LEVEL", "NODE_ENV", "PORT", "SERVICE_NAME", "HEALTH_CHECK_PATH", "SHUTDOWN_GRACE_MS"]);
  });

  it("fills a list member given as one placeholder from the variable's JSON: the manifest's environment and secrets", async () => {
    const result = await createNewTaskDef(templateOptions(), { env: TEMPLATE_ENV });
    const container = JSON.parse(await readFile(result.files.taskdef, "utf8")).containerDefinitions[0];
    expect(container.environment).toContainEqual({ name: "LOG_LEVEL", value: "info" });
    expect(container.secrets).toEqual([{ name: "DATABASE_URL", valueFrom: SAMPLE_MANIFEST.secrets.DATABASE_URL }]);
  });

  it.each([
    ["not JSON", "[{", /\$\{CONTAINER_ENVIRONMENT\} is not JSON/],
    ["not an array", '{"name":"A"}', /\$\{CONTAINER_ENVIRONMENT\} must hold a JSON array/],
    ["entries of the wrong shape", '[{"name":1}]', /containerDefinitions\[0\]\.environment\[0\]\.name/],
  ])("rejects a list variable that is %s, naming it", async (_what, value, message) => {
    await expect(
      createNewTaskDef(templateOptions(), { env: { ...TEMPLATE_ENV, CONTAINER_ENVIRONMENT: value } }),
    ).rejects.toThrow(message);
  });

  it("fills ${SERVICE_VERSION} in a custom template from the environment, else from the image tag", async () => {
    const root = JSON.parse(await readFile(ROOT_TASKDEF_TEMPLATE, "utf8"));
    root.containerDefinitions[0].environment = [{ name: "SERVICE_VERSION", value: "${SERVICE_VERSION}" }];
    const custom = join(work, "custom.template.json");
    await writeFile(custom, JSON.stringify(root));
    const versionOf = async (env: Record<string, string>, out: string) => {
      const result = await createNewTaskDef(templateOptions({ template: custom, out: join(work, out) }), { env });
      const taskdef = JSON.parse(await readFile(result.files.taskdef, "utf8"));
      return taskdef.containerDefinitions[0].environment.find((e: { name: string }) => e.name === "SERVICE_VERSION");
    };
    expect(await versionOf({ ...TEMPLATE_ENV, SERVICE_VERSION: "v1.2.3" }, "pinned")).toEqual({
      name: "SERVICE_VERSION",
      value: "v1.2.3",
    });
    expect(await versionOf(TEMPLATE_ENV, "tag")).toEqual({ name: "SERVICE_VERSION", value: "4e1f9b2" });
  });

  it("takes the container's only port mapping when no port is given", async () => {
    const result = await createNewTaskDef(templateOptions({ port: undefined }), { env: TEMPLATE_ENV });
    expect(await readFile(result.files.appspec, "utf8")).toContain(`ContainerPort: ${PORT}`);
  });

  it("reports every missing variable in one error, with where to set the derived ones", () => {
    const text = JSON.stringify({
      family: "${TASK_FAMILY}",
      cpu: "${CPU}",
      memory: "${MEMORY}",
      x: ["${CPU}", "${LOG_GROUP}"],
    });
    const error = (() => {
      try {
        renderTaskDefinitionTemplate(text, "my.template.json", { MEMORY: "" });
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error("expected a ValidationError");
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(
      "my.template.json: no value for 4 template variable(s): TASK_FAMILY (--family or TASK_FAMILY), CPU, MEMORY, LOG_GROUP",
    );
  });

  it("runs from the CLI with the appspec template found in the working directory by default", async () => {
    await copyFile(ROOT_APPSPEC, join(work, "appspec.yaml"));
    await copyFile(ROOT_TASKDEF_TEMPLATE, join(work, "taskdef.template.json"));
    const stdout: string[] = [];
    const code = await main(
      ["--template", "taskdef.template.json", "--out", "out", "--image", `${REPOSITORY}:4e1f9b2`, "--json"],
      {
        env: TEMPLATE_ENV,
        cwd: work,
        stdout: (text) => stdout.push(text),
        stderr: () => undefined,
      },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout.join(""))).toEqual({
      mode: "template",
      taskdef: join(work, "out", "taskdef.json"),
      appspec: join(work, "out", "appspec.yaml"),
      imageDetail: join(work, "out", "imageDetail.json"),
      imageUri: `${REPOSITORY}:4e1f9b2`,
    });
    expect(await readFile(join(work, "out", "taskdef.json"), "utf8")).toBe(
      await readFile(join(import.meta.dirname, "golden", "template", "taskdef.json"), "utf8"),
    );
  });

  it("keeps a template's literal values (no placeholders needed)", async () => {
    const literal = JSON.parse(await readFile(ROOT_TASKDEF_TEMPLATE, "utf8"));
    literal.family = "literal-family";
    await writeFile(join(work, "literal.json"), JSON.stringify(literal));
    const result = await createNewTaskDef(
      templateOptions({ template: join(work, "literal.json"), family: undefined }),
      {
        env: TEMPLATE_ENV,
      },
    );
    expect(JSON.parse(await readFile(result.files.taskdef, "utf8")).family).toBe("literal-family");
  });
});
