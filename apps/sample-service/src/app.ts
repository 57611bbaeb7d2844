import express, { type Express, type Router } from "express";
import type { Config } from "./config.ts";
import { errorHandler, methodNotAllowed, notFound } from "./errors.ts";
import { addGreetingRoutes, GreetingStore } from "./greetings.ts";
import { sendJson } from "./json-response.ts";
import { createLogger, type Logger } from "./logger.ts";
import { requestContext } from "./request-context.ts";
import { JSON_API_HEADERS, securityHeaders } from "./security-headers.ts";

/** The part of the server's state the routes read: readiness turns 503 once shutdown has begun. */
export interface Lifecycle {
  readonly shuttingDown: boolean;
}

export interface AppDeps {
  logger?: Logger;
  lifecycle?: Lifecycle;
  greetings?: GreetingStore;
  /** Mounts extra routes before the 404 handler. For tests only (a route that throws, a slow route). */
  extraRoutes?: (router: Router) => void;
}

/** Readiness (not a load balancer probe): turns 503 once shutdown has begun. */
export const READY_PATH = "/ready";

export function createApp(config: Config, deps: AppDeps = {}): Express {
  const logger = deps.logger ?? createLogger(config);
  const lifecycle = deps.lifecycle ?? { shuttingDown: false };
  const greetings = deps.greetings ?? new GreetingStore();

  const app = express();
  app.set("env", config.nodeEnv);
  app.disable("x-powered-by");
  // No ETags: these JSON answers are not meant to be cached, and Express would hash every body (a SHA-1 per
  // response) to make one. The answers below go through sendJson, which never makes one either.
  app.set("etag", false);

  app.use(requestContext(logger, [config.healthCheckPath, READY_PATH]));
  app.use(securityHeaders(JSON_API_HEADERS));

  // The answers that never change, serialised once.
  const ok = JSON.stringify({ status: "ok" });
  const ready = JSON.stringify({ status: "ready" });
  const shuttingDown = JSON.stringify({ status: "shutting_down" });
  const identity = JSON.stringify({ service: config.serviceName, version: config.serviceVersion });

  // Liveness, probed by the load balancer's target groups: the process is up and serving.
  app
    .route(config.healthCheckPath)
    .get((_req, res) => {
      sendJson(res, 200, ok);
    })
    .all(methodNotAllowed(["GET", "HEAD"]));

  // Readiness: stops accepting work once shutdown has begun.
  app
    .route(READY_PATH)
    .get((_req, res) => {
      if (lifecycle.shuttingDown) sendJson(res, 503, shuttingDown);
      else sendJson(res, 200, ready);
    })
    .all(methodNotAllowed(["GET", "HEAD"]));

  // Which service and version answered: makes a blue/green switch visible from outside.
  app
    .route("/")
    .get((_req, res) => {
      sendJson(res, 200, identity);
    })
    .all(methodNotAllowed(["GET", "HEAD"]));

  addGreetingRoutes(app, greetings, config.bodyLimitBytes);

  if (deps.extraRoutes) {
    const router = express.Router();
    deps.extraRoutes(router);
    app.use(router);
  }

  app.use(notFound);
  app.use(errorHandler(config, logger));
  return app;
}
