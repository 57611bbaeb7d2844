import { type DestinationStream, type Logger, pino } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

/**
 * One JSON line per event on stdout (CloudWatch Logs via the awslogs driver), each tagged with the service name
 * and version so lines from the blue and the green task sets can be told apart.
 *
 * Writes are synchronous: pino's asynchronous default can reorder or drop the last lines when the process exits
 * (a fatal error, the end of a shutdown), and measured no faster here than the noise of a benchmark.
 */
export function createLogger(
  config: Pick<Config, "logLevel" | "serviceName" | "serviceVersion">,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: config.serviceName, version: config.serviceVersion },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
