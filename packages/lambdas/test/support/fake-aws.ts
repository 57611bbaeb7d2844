import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP server speaking AWS's JSON 1.1 protocol (as CodeCommit and CodePipeline do): POST /, the operation
 * in X-Amz-Target, a JSON body; errors as a 400 with `__type`. Each operation is answered by a test-supplied
 * function; an unexpected operation or malformed request gets the error a real endpoint would give.
 */
export interface RecordedRequest {
  target: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface JsonReply {
  status?: number;
  body: Record<string, unknown>;
}

/** Answers one request; a promise that never settles stalls it (as a dead connection through a NAT would). */
export type OperationHandler = (
  body: Record<string, unknown>,
  request: RecordedRequest,
) => JsonReply | Promise<JsonReply>;

export interface FakeAwsService {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export function awsError(type: string, message: string, status = 400): JsonReply {
  return { status, body: { __type: type, message } };
}

export async function startFakeAwsService(
  targetPrefix: string,
  operations: Record<string, OperationHandler>,
): Promise<FakeAwsService> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (json: JsonReply): void => {
        response.writeHead(json.status ?? 200, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify(json.body));
      };
      const target = String(request.headers["x-amz-target"] ?? "");
      if (
        request.method !== "POST" ||
        !String(request.headers["content-type"]).startsWith("application/x-amz-json-1.1")
      ) {
        return reply(
          awsError(
            "SerializationException",
            `expected a POST of application/x-amz-json-1.1, got ${request.method} ${request.headers["content-type"]}`,
          ),
        );
      }
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        return reply(awsError("MissingAuthenticationTokenException", "request is not signed with SigV4", 403));
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        return reply(awsError("SerializationException", "body is not JSON"));
      }
      const recorded = { target, body, headers: request.headers };
      requests.push(recorded);
      const operation = target.startsWith(`${targetPrefix}.`)
        ? operations[target.slice(targetPrefix.length + 1)]
        : undefined;
      if (!operation) return reply(awsError("UnknownOperationException", `unexpected operation ${target}`));
      void Promise.resolve(operation(body, recorded)).then(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
