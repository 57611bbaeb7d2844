import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "./logger.ts";

declare global {
  namespace Express {
    interface Locals {
      /** From a valid X-Request-Id header, or generated; echoed on the response. */
      requestId: string;
    }
  }
}

/** What an incoming X-Request-Id may look like to be reused (anything else is replaced, never echoed). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:+=/-]{1,128}$/;

/**
 * Gives each request an id and logs one line when it ends (a small stand-in for pino-http, lighter per request).
 * Requests to `quietPaths` (the load balancer's probes) are logged at debug level only.
 */
export function requestContext(logger: Logger, quietPaths: readonly string[]): RequestHandler {
  const quiet = new Set(quietPaths);
  return (req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);

    const level = quiet.has(req.path) ? "debug" : "info";
    if (logger.isLevelEnabled(level)) {
      const started = performance.now();
      // "close" comes once, finished or not: a plain listener, without once()'s wrapper.
      res.on("close", () => {
        const fields = {
          reqId: requestId,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        };
        if (res.writableFinished) logger[level](fields, "request completed");
        else logger.warn(fields, "request aborted before the response was sent");
      });
    }
    next();
  };
}
