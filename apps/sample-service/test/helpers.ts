import { type Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Writable } from "node:stream";
import serviceManifest from "../service.json" with { type: "json" };
import { type Config, loadConfig } from "../src/config.ts";
import { createLogger, type Logger } from "../src/logger.ts";

/** This service's own manifest: the defaults the service falls back to (a generated service has its own). */
export const MANIFEST = serviceManifest;
/** The health path the load balancer probes. */
export const HEALTH = serviceManifest.healthCheckPath;

/** The defaults, with a free port and test-friendly overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: "0", NODE_ENV: "test", LOG_LEVEL: "info", ...env });
}

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose lines are collected for assertions. */
export function captureLogger(config: Config): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { logger: createLogger(config, destination), lines };
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP GET through node:http, so tests control connections (agents, keep-alive) themselves. */
export function get(port: number, path: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: agent ?? false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
