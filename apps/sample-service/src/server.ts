// The entry point: `node dist/server.js` in the container, `tsx src/server.ts` in development.
import process from "node:process";
import { ConfigError, EXIT_CONFIG, loadConfig } from "./config.ts";
import { bufferedDestination, createLogger, createStartupLogger } from "./logger.ts";
import { startServer } from "./shutdown.ts";

process.setSourceMapsEnabled(true);

// Every log line of the process goes through this buffer. "exit" is the one place every way out passes through
// (process.exit() after a fatal error or a bad configuration; the event loop running dry after a shutdown), so the
// lines still held are written there, synchronously, before the process is gone.
const destination = bufferedDestination();
/** How long after a graceful shutdown the process may take to end by itself before it is ended. */
const EXIT_FALLBACK_MS = 1000;
process.on("exit", () => destination.flushSync());

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The configured logger cannot exist (its settings may be what is wrong): one line naming every bad variable.
  createStartupLogger(destination).fatal(error.message);
  process.exit(EXIT_CONFIG);
}

const logger = createLogger(config, destination);

process.on("uncaughtException", (error) => {
  logger.fatal({ err: error }, "uncaught exception");
  process.exit(1);
});
process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled promise rejection");
  process.exit(1);
});

try {
  const handle = await startServer(config, { logger });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (handle.shuttingDown) {
        logger.warn({ signal }, "second signal during shutdown: exiting now");
        process.exit(1);
      }
      handle.shutdown(signal).then(
        (result) => {
          // The server closed, so the process ends on its own: process.exit() can deadlock in Node 24 while V8
          // compiles on a background thread (nodejs/node#64274), and ECS would wait the stop timeout to kill it.
          // The timer holds nothing open; it ends the process only if something else still does.
          process.exitCode = result.forced || result.error ? 1 : 0;
          setTimeout(() => process.exit(), EXIT_FALLBACK_MS).unref();
        },
        (error: unknown) => {
          logger.fatal({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  logger.fatal({ err: error }, "could not start the server");
  process.exit(1);
}
