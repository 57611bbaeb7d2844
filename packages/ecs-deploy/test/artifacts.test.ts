import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readDeployArtifacts, UsageError, ValidationError } from "../src/index.ts";
import { CONTAINER, IMAGE_URI, makeTempDir, removeDir, writeBuildArtifacts } from "./support/fixtures.ts";

let dir: string;
let taskdef: Record<string, unknown> & { containerDefinitions: Record<string, unknown>[] };

beforeEach(async () => {
  dir = await makeTempDir();
  await writeBuildArtifacts(dir);
  taskdef = JSON.parse(await readFile(join(dir, "taskdef.json"), "utf8"));
});
afterEach(async () => {
  await removeDir(dir);
});

const read = (container = CONTAINER) => readDeployArtifacts(dir, container, "/");
const writeTaskdef = (value: unknown) => writeFile(join(dir, "taskdef.json"), JSON.stringify(value));
const writeImageDetail = (text: string) => writeFile(join(dir, "imageDetail.json"), text);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected the artifacts to be refused");
    },
    (error: Error) => error,
  );
}

describe("the Build stage's artifacts", () => {
  it("become the RegisterTaskDefinition input with imageDetail.json's image in the named container", async () => {
    const artifacts = await read();
    expect(artifacts.imageUri).toBe(IMAGE_URI);
    expect(artifacts.image.digest).toMatch(/^sha256:/);
    expect(artifacts.taskDefinition).toEqual({
      ...taskdef,
      containerDefinitions: [{ ...taskdef.containerDefinitions[0], image: IMAGE_URI }],
    });
  });

  it("fill only the named container: a sidecar keeps its own image", async () => {
    const sidecar = { name: "otel-collector", image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1" };
    await writeTaskdef({ ...taskdef, containerDefinitions: [...taskdef.containerDefinitions, sidecar] });
    const artifacts = await read();
    expect((artifacts.taskDefinition.containerDefinitions as unknown[])[1]).toEqual(sidecar);
  });
});

describe("bad artifacts are refused, naming the file and the problem", () => {
  it("a taskdef.json whose container has no placeholder", async () => {
    taskdef.containerDefinitions[0] = { ...taskdef.containerDefinitions[0], image: "nginx:latest" };
    await writeTaskdef(taskdef);
    const error = await rejection(read());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(join(dir, "taskdef.json"));
    expect(error.message).toContain(
      "containerDefinitions[0].image: must be <IMAGE1_NAME> (the Build stage's placeholder for imageDetail.json's ImageURI), got \"nginx:latest\"",
    );
  });

  it("a placeholder left in another container", async () => {
    const sidecar = { name: "proxy", image: "<IMAGE2_NAME>" };
    await writeTaskdef({ ...taskdef, containerDefinitions: [...taskdef.containerDefinitions, sidecar] });
    const error = await rejection(read());
    expect(error.message).toContain(
      `containerDefinitions[1].image: container proxy has the placeholder <IMAGE2_NAME>, but only the image of container ${CONTAINER} is filled in`,
    );
  });

  it("an unknown container, listing the ones there are", async () => {
    const error = await rejection(read("api"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`containerDefinitions: has no container named "api" (containers: ${CONTAINER})`);
  });

  it("members RegisterTaskDefinition does not accept (a raw DescribeTaskDefinition answer)", async () => {
    await writeTaskdef({
      ...taskdef,
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/x:1",
      revision: 1,
    });
    const error = await rejection(read());
    expect(error.message).toMatch(/taskDefinitionArn: .*\n.*revision: /);
  });

  it("a taskdef.json that is not JSON", async () => {
    await writeFile(join(dir, "taskdef.json"), "{ family: ");
    const error = await rejection(read());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/taskdef\.json: not valid JSON: /);
  });

  it.each([
    ["not JSON", "ImageURI=repo@sha256:abc", /imageDetail\.json: not valid JSON/],
    ["an array", "[]", /imageDetail\.json: must contain a JSON object/],
    ["no ImageURI", '{"imageUri": "x"}', /imageDetail\.json: must be \{"ImageURI": .*\}, has no ImageURI string/],
    ["a bad digest", '{"ImageURI": "repo@sha256:xyz"}', /imageDetail\.json: ImageURI has an invalid digest/],
    ["no tag or digest", '{"ImageURI": "repo"}', /imageDetail\.json: ImageURI must name a tag or a digest/],
  ])("an imageDetail.json that is %s", async (_what, text, message) => {
    await writeImageDetail(text);
    const error = await rejection(read());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
  });

  it("a missing artifact is a usage error that says what the folder must hold", async () => {
    await rm(join(dir, "imageDetail.json"));
    const error = await rejection(read());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `--artifacts / ARTIFACTS_DIR: cannot read ${join(dir, "imageDetail.json")}: not found (the Build stage's artifact must hold taskdef.json and imageDetail.json)`,
    );
  });
});
