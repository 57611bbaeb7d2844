import type { ServerResponse } from "node:http";

/** What Express's res.json() sends as Content-Type. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * Sends `json`, already serialised, the way res.json() does (status, Content-Type, Content-Length; Node leaves the
 * body out for HEAD) without res.json()'s work on every call: it re-parses and re-formats the Content-Type it has
 * just set and copies the body into a Buffer (and hashes it for an ETag, which the app turns off).
 */
export function sendJson(res: ServerResponse, status: number, json: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", JSON_CONTENT_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(json));
  res.end(json);
}
