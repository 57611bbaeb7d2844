import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet, { type HelmetOptions } from "helmet";

export type Header = readonly [name: string, value: string];

/**
 * helmet's defaults, but the Content-Security-Policy and framing rule of a JSON API (OWASP's REST Security Cheat
 * Sheet; GitHub's API sends the same policy): nothing may load in the context of a response, no page may frame one.
 * helmet's default policy is written for HTML pages (scripts, styles and fonts from 'self'), is about 200 bytes
 * longer on every response, and allows more. A service that serves HTML passes helmet's defaults (`undefined`) or its
 * own policy instead.
 */
export const JSON_API_HEADERS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: "deny" },
};

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
