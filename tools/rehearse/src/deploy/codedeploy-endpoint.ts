// CodeDeploy on 127.0.0.1, as far as a lifecycle hook talks to it: PutLifecycleEventHookExecutionStatus over the
// JSON 1.1 protocol, from the real AWS SDK client in the hook's bundle (AWS_ENDPOINT_URL_CODEDEPLOY points here).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const TARGET_PREFIX = "CodeDeploy_20141006.";
const STATUSES = new Set(["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown"]);

export interface HookReport {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  status: string;
}

export interface CodeDeployEndpoint {
  url: string;
  /** Opens a lifecycle event a hook may report on (CodeDeploy does it when it invokes the hook). */
  expect(deploymentId: string, executionId: string): void;
  /** The status reported for an execution, if any. */
  reported(executionId: string): HookReport | undefined;
  close(): Promise<void>;
}

export async function startCodeDeployEndpoint(): Promise<CodeDeployEndpoint> {
  const open = new Map<string, string>(); // execution id -> deployment id
  const reports = new Map<string, HookReport>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: Record<string, unknown>) => {
        response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify(body));
      };
      const error = (type: string, message: string, status = 400) => reply(status, { __type: type, message });
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        return error("MissingAuthenticationTokenException", "the request is not signed with SigV4", 403);
      }
      const target = String(request.headers["x-amz-target"] ?? "");
      if (request.method !== "POST" || target !== `${TARGET_PREFIX}PutLifecycleEventHookExecutionStatus`) {
        return error(
          "UnknownOperationException",
          `the rehearsal's CodeDeploy answers PutLifecycleEventHookExecutionStatus only, not ${target}`,
        );
      }
      let body: Partial<HookReport>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return error("SerializationException", "the body is not JSON");
      }
      const { deploymentId, lifecycleEventHookExecutionId: executionId, status } = body;
      if (typeof executionId !== "string" || open.get(executionId) === undefined) {
        return error("LifecycleEventHookExecutionIdDoesNotExistException", `no lifecycle event ${String(executionId)}`);
      }
      if (open.get(executionId) !== deploymentId) {
        return error(
          "InvalidDeploymentIdException",
          `lifecycle event ${executionId} is not of deployment ${String(deploymentId)}`,
        );
      }
      if (typeof status !== "string" || !STATUSES.has(status)) {
        return error("InvalidLifecycleEventHookExecutionStatusException", `status ${String(status)}`);
      }
      if (reports.has(executionId)) {
        return error("LifecycleEventAlreadyCompletedException", `lifecycle event ${executionId} is already completed`);
      }
      reports.set(executionId, {
        deploymentId: String(deploymentId),
        lifecycleEventHookExecutionId: executionId,
        status,
      });
      reply(200, { lifecycleEventHookExecutionId: executionId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    expect: (deploymentId, executionId) => open.set(executionId, deploymentId),
    reported: (executionId) => reports.get(executionId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
