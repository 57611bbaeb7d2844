import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** One request as the local ECS endpoint received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  target: string | undefined;
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body: unknown;
}

export interface FakeEcs {
  /** e.g. http://127.0.0.1:41234 — what AWS_ENDPOINT_URL_ECS / `endpoint` point at. */
  url: string;
  requests: ReceivedRequest[];
  /** Responses served in order, one per request; the last one repeats. */
  respondWith(...responses: FakeResponse[]): void;
  close(): Promise<void>;
}

/** An ECS error as the awsJson1_1 protocol sends it: `{"__type": ..., "message": ...}`, HTTP 400. */
export function ecsError(type: string, message: string, status = 400): FakeResponse {
  return { status, body: { __type: type, message } };
}

/**
 * A local HTTP server on 127.0.0.1 (ephemeral port) that speaks ECS's JSON protocol (awsJson1_1): POST /,
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`, `application/x-amz-json-1.1` both ways.
 * It records every request and answers with the queued responses.
 */
export async function startFakeEcs(): Promise<FakeEcs> {
  const requests: ReceivedRequest[] = [];
  let queue: FakeResponse[] = [{ status: 500, body: { __type: "InternalFailure", message: "no response queued" } }];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text; the test asserting on it will show what arrived
      }
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        target: request.headers["x-amz-target"] as string | undefined,
        body,
      });
      const next = (queue.length > 1 ? queue.shift() : queue[0]) as FakeResponse;
      const payload = JSON.stringify(next.body);
      response.writeHead(next.status, {
        "content-type": "application/x-amz-json-1.1",
        "content-length": Buffer.byteLength(payload),
        "x-amzn-requestid": `req-${requests.length}`,
      });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(...responses) {
      queue = [...responses];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * One fake ECS for the calling test file (or describe block): started before its tests, closed after them, its
 * request log cleared before each test.
 */
export function useFakeEcs(): FakeEcs {
  let current: FakeEcs | undefined;
  const started = (): FakeEcs => {
    if (!current) throw new Error("the fake ECS is used outside a test (it starts in beforeAll)");
    return current;
  };
  beforeAll(async () => {
    current = await startFakeEcs();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    started().requests.length = 0;
  });
  return {
    get url() {
      return started().url;
    },
    get requests() {
      return started().requests;
    },
    respondWith: (...responses) => started().respondWith(...responses),
    close: () => started().close(),
  };
}
