import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet, { type HelmetOptions } from "helmet";

export type Header = readonly [name: string, value: string];

/**
 * The headers `helmet(options)` sets, found by running it once against a response that only records them.
 * Only for options whose values do not depend on the request (no per-request CSP nonce functions): those would be
 * frozen at their first value. helmet's only other effect, removing X-Powered-By, is covered by the app disabling it.
 */
export function helmetHeaders(options?: Readonly<HelmetOptions>): readonly Header[] {
  const headers: Header[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.push([name, String(value)]);
    },
    removeHeader() {},
  };
  let outcome: { error?: unknown } | undefined;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    outcome = { error };
  });
  if (!outcome) throw new Error("helmet did not finish synchronously: its headers cannot be worked out once");
  if (outcome.error) throw outcome.error;
  return headers;
}

/**
 * helmet's security headers on every response, worked out once at start instead of by helmet's dozen middleware
 * functions on every request. helmet stays the source of truth: its version and options decide the headers.
 */
export function securityHeaders(options?: Readonly<HelmetOptions>): RequestHandler {
  const headers = helmetHeaders(options);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
