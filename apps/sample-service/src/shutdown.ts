import { createServer, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, Server as NetServer } from "node:net";
import { type AppDeps, createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { expressPrototypes } from "./express-prototypes.ts";
import { createLogger, type Logger } from "./logger.ts";

/** How often shutdown closes the keep-alive connections that are idle (no request on its way). */
const IDLE_SWEEP_MS = 500;

export interface ShutdownResult {
  /** What started the shutdown, e.g. "SIGTERM". */
  reason: string;
  /** True when the grace period ran out and open connections were cut. */
  forced: boolean;
  /** Requests still running when they were cut (0 unless forced). */
  abortedRequests: number;
  durationMs: number;
  /** Set when closing the server itself failed. */
  error?: Error;
}

export interface ServerHandle {
  readonly server: Server;
  /** The port actually listened on (the real one when PORT=0). */
  readonly port: number;
  readonly shuttingDown: boolean;
  /**
   * Graceful shutdown: readiness turns 503, the listener closes (new connections are refused), idle keep-alive
   * connections are closed, in-flight requests finish and their responses carry `Connection: close`; whatever is
   * still open when `shutdownGraceMs` runs out is cut. Calling it again returns the same promise.
   */
  shutdown(reason?: string): Promise<ShutdownResult>;
}

export interface ServerDeps {
  logger?: Logger;
  app?: Omit<AppDeps, "logger" | "lifecycle">;
}

/** Starts the HTTP server on `config.port` and resolves once it is listening. */
export async function startServer(config: Config, deps: ServerDeps = {}): Promise<ServerHandle> {
  const logger = deps.logger ?? createLogger(config);
  const lifecycle = { shuttingDown: false };
  const app = createApp(config, { ...deps.app, logger, lifecycle });

  // Responses still being worked on, so shutdown can ask each to close its connection when it is done.
  const inFlight = new Set<ServerResponse>();
  // One listener for every response ("close" comes once per response): no closure made per request.
  const forget = function (this: ServerResponse) {
    inFlight.delete(this);
  };
  const server = createServer(expressPrototypes(app), (req, res) => {
    if (lifecycle.shuttingDown) {
      res.setHeader("Connection", "close");
    } else {
      inFlight.add(res);
      res.on("close", forget);
    }
    app(req, res);
  });
  // Idle connections must outlive the ALB's idle timeout (else: 502s); header reads get a little longer still.
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port, nodeEnv: config.nodeEnv }, "listening");

  let shutdown: Promise<ShutdownResult> | undefined;
  return {
    server,
    port,
    get shuttingDown() {
      return lifecycle.shuttingDown;
    },
    shutdown(reason = "shutdown") {
      shutdown ??= new Promise((resolve) => {
        const started = performance.now();
        lifecycle.shuttingDown = true;
        logger.info({ reason, inFlight: inFlight.size, graceMs: config.shutdownGraceMs }, "shutting down");
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader("Connection", "close");
        }

        let forced = false;
        let abortedRequests = 0;
        const deadline = setTimeout(() => {
          forced = true;
          abortedRequests = inFlight.size;
          logger.warn({ abortedRequests }, "shutdown grace period over: closing the remaining connections");
          server.closeAllConnections();
        }, config.shutdownGraceMs);

        // http.Server#close() also closes every idle keep-alive connection at once, and a connection whose next
        // request is already on the wire (not yet read) counts as idle: that request would fail. Close the listener
        // only, and sweep idle connections periodically: a request arriving meanwhile is served with
        // Connection: close, so keep-alive clients (and load balancers) lose nothing.
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        NetServer.prototype.close.call(server, (error?: Error) => {
          clearInterval(sweep);
          clearTimeout(deadline);
          const result: ShutdownResult = {
            reason,
            forced,
            abortedRequests,
            durationMs: Math.round(performance.now() - started),
            ...(error && { error }),
          };
          if (error) logger.error({ err: error }, "closing the server failed");
          logger.info({ forced, abortedRequests, durationMs: result.durationMs }, "shutdown complete");
          resolve(result);
        });
      });
      return shutdown;
    },
  };
}
