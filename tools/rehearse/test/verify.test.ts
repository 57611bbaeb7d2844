import { describe, expect, it } from "vitest";
import { checkAppSpec, checkImageDetail, checkTaskDefinition, VerificationError } from "../src/verify.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const expected = {
  repositoryUri: "127.0.0.1:5000/sample-service",
  family: "bluegreen-sample-service",
  containerName: "sample-service",
  containerPort: 3000,
  afterAllowTestTrafficHook: "CodeDeployHook_bluegreen-sample-service",
};

// Shaped like create-new-task-def's template-mode output (its golden files).
const taskdef = (image = "<IMAGE1_NAME>", name = "sample-service") =>
  JSON.stringify({
    family: "bluegreen-sample-service",
    containerDefinitions: [{ name, image, portMappings: [{ containerPort: 3000, protocol: "tcp" }] }],
  });
const appspec = (port = 3000, hook = "CodeDeployHook_bluegreen-sample-service") => `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: <TASK_DEFINITION>
        LoadBalancerInfo:
          ContainerName: sample-service
          ContainerPort: ${port}
${hook ? `Hooks:\n  - AfterAllowTestTraffic: ${hook}\n` : ""}`;

describe("checkImageDetail", () => {
  it("returns the digest of a digest-pinned ImageURI in the service's repository", () => {
    const imageUri = `127.0.0.1:5000/sample-service@${DIGEST}`;
    expect(checkImageDetail(JSON.stringify({ ImageURI: imageUri }), expected)).toEqual({ imageUri, digest: DIGEST });
  });

  it.each([
    ["a tag instead of a digest", { ImageURI: "127.0.0.1:5000/sample-service:1efc454" }],
    ["another repository", { ImageURI: `127.0.0.1:5000/other@${DIGEST}` }],
    ["a short digest", { ImageURI: "127.0.0.1:5000/sample-service@sha256:abc" }],
    ["no ImageURI", {}],
  ])("rejects %s", (_name, detail) => {
    expect(() => checkImageDetail(JSON.stringify(detail), expected)).toThrow(VerificationError);
  });

  it("rejects a file that is not JSON", () => {
    expect(() => checkImageDetail("{", expected)).toThrow(/imageDetail\.json is not valid JSON/);
  });
});

describe("checkTaskDefinition", () => {
  it("accepts the family's task definition with the <IMAGE1_NAME> placeholder", () => {
    expect(() => checkTaskDefinition(taskdef(), expected)).not.toThrow();
  });

  it("rejects a filled-in image, a missing container and another family", () => {
    expect(() => checkTaskDefinition(taskdef("127.0.0.1:5000/sample-service:1"), expected)).toThrow(
      /expected "<IMAGE1_NAME>"/,
    );
    expect(() => checkTaskDefinition(taskdef(undefined, "web"), expected)).toThrow(
      'taskdef.json has no container "sample-service" (it has: web)',
    );
    expect(() => checkTaskDefinition(taskdef(), { ...expected, family: "other" })).toThrow(
      /family is "bluegreen-sample-service"/,
    );
    expect(() => checkTaskDefinition(taskdef(), { ...expected, containerPort: 8080 })).toThrow(
      /does not map port 8080/,
    );
  });
});

describe("checkAppSpec", () => {
  it("accepts the container name and port, with the test-traffic hook", () => {
    expect(() => checkAppSpec(appspec(), expected)).not.toThrow();
    expect(() => checkAppSpec(appspec(3000, ""), { ...expected, afterAllowTestTrafficHook: undefined })).not.toThrow();
  });

  it("rejects another port, a missing hook and an unexpected one", () => {
    expect(() => checkAppSpec(appspec(8080), expected)).toThrow(
      /expected ContainerName "sample-service" and ContainerPort 3000/,
    );
    expect(() => checkAppSpec(appspec(3000, ""), expected)).toThrow(/AfterAllowTestTraffic hook is null/);
    expect(() => checkAppSpec(appspec(), { ...expected, afterAllowTestTrafficHook: undefined })).toThrow(
      /AfterAllowTestTraffic hook is "CodeDeployHook_bluegreen-sample-service", expected null/,
    );
  });
});
