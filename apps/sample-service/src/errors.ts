import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Config } from "./config.ts";
import { sendJson } from "./json-response.ts";
import type { Logger } from "./logger.ts";

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error that becomes a JSON error response with this status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly FieldProblem[],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: readonly FieldProblem[];
    /** Only when NODE_ENV=development, and only for 500s. */
    stack?: string;
  };
}

/** For a known path: 405 with the methods it does allow (OPTIONS answers 204 with the same Allow header). */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...allowed, "OPTIONS"].join(", ");
  return (req, res, next) => {
    res.setHeader("Allow", allow);
    if (req.method === "OPTIONS") {
      res.status(204).end();
      return;
    }
    next(new HttpError(405, "method_not_allowed", `Method ${req.method} is not allowed here; use ${allow}`));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  const path = req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path;
  next(new HttpError(404, "not_found", `No route for ${req.method} ${path}`));
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Turns every error into `{ error: { code, message, requestId } }`; only a 500 is logged with its stack. */
export function errorHandler(config: Pick<Config, "nodeEnv" | "bodyLimit">, logger: Logger): ErrorRequestHandler {
  const withStack = config.nodeEnv === "development";
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a JSON error: Express closes the connection.
      logger.error({ err, reqId: res.locals.requestId }, "error after the response started");
      next(err);
      return;
    }
    const { status, code, message, details } = describe(err, config.bodyLimit);
    const body: ErrorBody = { error: { code, message, requestId: res.locals.requestId } };
    if (details) body.error.details = details;
    if (status >= 500) {
      logger.error({ err, reqId: res.locals.requestId, method: req.method, url: req.originalUrl }, "request failed");
      if (withStack && err instanceof Error && err.stack) body.error.stack = err.stack;
    }
    sendJson(res, status, JSON.stringify(body));
  };
}

function describe(
  err: unknown,
  bodyLimit: string,
): { status: number; code: string; message: string; details?: readonly FieldProblem[] } {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, ...(err.details && { details: err.details }) };
  }
  const e = (err ?? {}) as BodyParserError;
  switch (e.type) {
    case "entity.parse.failed":
      return { status: 400, code: "invalid_json", message: "Request body is not valid JSON" };
    case "entity.too.large":
      return { status: 413, code: "payload_too_large", message: `Request body is larger than ${bodyLimit}` };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status: 415, code: "unsupported_media_type", message: e.message };
    case "request.aborted":
      return { status: 400, code: "request_aborted", message: "Request was aborted" };
  }
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return { status: e.status, code: "bad_request", message: e.expose ? e.message : "Bad request" };
  }
  return { status: 500, code: "internal_error", message: "Internal server error" };
}
