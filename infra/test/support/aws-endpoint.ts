// A local HTTP server on 127.0.0.1 that speaks just enough of an AWS protocol for the REAL SDK client to talk to.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  /** X-Amz-Target (JSON protocols) or Action (query protocol). */
  operation: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  contentType: string;
}

export interface FakeEndpoint {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startEndpoint(answer: (call: RecordedCall) => Reply): Promise<FakeEndpoint> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const target = req.headers["x-amz-target"];
      const operation =
        typeof target === "string" ? target : (new URLSearchParams(body).get("Action") ?? `${req.method} ${req.url}`);
      const call = { operation, headers: req.headers, body };
      calls.push(call);
      const reply = answer(call);
      res.writeHead(reply.status, { "content-type": reply.contentType, "x-amzn-requestid": `req-${calls.length}` });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function json(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: "application/x-amz-json-1.1" };
}

export function xml(status: number, body: string): Reply {
  return { status, body, contentType: "text/xml" };
}

/** Credentials and region that make the SDK sign requests without touching any real credential source. */
export const DUMMY_AWS_ENV = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_REGION: "eu-west-1",
} as const;
