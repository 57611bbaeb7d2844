import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeDeployEndpoint, startCodeDeployEndpoint } from "../src/deploy/codedeploy-endpoint.ts";
import { PLACEHOLDER_CREDENTIALS } from "../src/deploy/lambda/invoke.ts";

describe("the loopback CodeDeploy, spoken to by the real AWS SDK", () => {
  let endpoint: CodeDeployEndpoint;
  let client: CodeDeployClient;

  beforeAll(async () => {
    endpoint = await startCodeDeployEndpoint();
    client = new CodeDeployClient({
      endpoint: endpoint.url,
      region: "eu-west-1",
      maxAttempts: 1,
      credentials: {
        accessKeyId: PLACEHOLDER_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: PLACEHOLDER_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      },
    });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  const report = (deploymentId: string, lifecycleEventHookExecutionId: string, status: "Succeeded" | "Failed") =>
    client.send(
      new PutLifecycleEventHookExecutionStatusCommand({ deploymentId, lifecycleEventHookExecutionId, status }),
    );

  it("records the status a hook reports for a lifecycle event it opened", async () => {
    endpoint.expect("d-1", "exec-1");
    await expect(report("d-1", "exec-1", "Failed")).resolves.toMatchObject({ lifecycleEventHookExecutionId: "exec-1" });
    expect(endpoint.reported("exec-1")).toEqual({
      deploymentId: "d-1",
      lifecycleEventHookExecutionId: "exec-1",
      status: "Failed",
    });
  });

  it("answers as CodeDeploy does a second report, an unknown event, another deployment's event", async () => {
    endpoint.expect("d-2", "exec-2");
    await report("d-2", "exec-2", "Succeeded");
    await expect(report("d-2", "exec-2", "Succeeded")).rejects.toMatchObject({
      name: "LifecycleEventAlreadyCompletedException",
    });
    await expect(report("d-2", "exec-unknown", "Succeeded")).rejects.toMatchObject({
      name: "LifecycleEventHookExecutionIdDoesNotExistException",
    });
    endpoint.expect("d-3", "exec-3");
    await expect(report("d-2", "exec-3", "Succeeded")).rejects.toMatchObject({ name: "InvalidDeploymentIdException" });
    expect(endpoint.reported("exec-3")).toBeUndefined();
  });
});
