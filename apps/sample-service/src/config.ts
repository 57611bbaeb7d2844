// The service's configuration: read from the environment once, at start, and validated as a whole. The platform
// sets the service's name, port and health path (the task definition's environment); when they are absent (local
// runs) they default to this service's own service.json, bundled into the build.
import { LOAD_BALANCER_IDLE_TIMEOUT_SECONDS, PLATFORM_ENVIRONMENT } from "@repo/service-contract/container";
import { KEBAB_CASE } from "@repo/service-contract/naming";
import manifest from "../service.json" with { type: "json" };

/** Exit code for a bad configuration (sysexits.h EX_CONFIG), so a crash loop is told apart from a crash. */
export const EXIT_CONFIG = 78;

/** The load balancer's idle timeout: Node must keep idle connections open longer, or the ALB answers 502. */
export const ALB_IDLE_TIMEOUT_MS = LOAD_BALANCER_IDLE_TIMEOUT_SECONDS * 1000;

/** Idle keep-alive connections stay open this much longer than the load balancer's. */
const KEEP_ALIVE_MARGIN_MS = 5_000;

/** Longest shutdown grace: below the largest stop timeout a service.json accepts (120 s). */
export const MAX_SHUTDOWN_GRACE_MS = 119_000;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ["production", "development", "test"] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export interface Config {
  /** PORT: the port to listen on; 0 picks a free one (tests). */
  port: number;
  /** SERVICE_NAME: the name in every log line and on GET /. */
  serviceName: string;
  /** HEALTH_CHECK_PATH: the path the load balancer's target groups probe. */
  healthCheckPath: string;
  /** SERVICE_VERSION: the running image tag or commit, shown on GET / so a blue/green switch is visible. */
  serviceVersion: string;
  logLevel: LogLevel;
  /** NODE_ENV: only "development" adds stack traces to 500 responses. */
  nodeEnv: NodeEnv;
  /** SHUTDOWN_GRACE_MS: how long in-flight requests may run after SIGTERM before they are cut. */
  shutdownGraceMs: number;
  /** BODY_LIMIT as written, e.g. "100kb". */
  bodyLimit: string;
  /** BODY_LIMIT in bytes. */
  bodyLimitBytes: number;
  /** KEEP_ALIVE_TIMEOUT_MS: how long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

/** Every problem found in the environment; the message names each variable, on one line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration (${problems.length} problems): ${problems.join("; ")}`,
    );
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A variable's parser: returns the value, or throws a `Problem` saying what the variable must be. */
class Problem extends Error {}

const URL_PATH = /^\/[\w\-./]*$/;
const SERVICE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+:@/-]*$/;
const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const MAX_BODY_LIMIT_BYTES = 100 * 1024 ** 2;

function integer(min: number, max: number, what: string): (text: string) => number {
  return (text) => {
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new Problem(what);
    return value;
  };
}

function oneOf<T extends string>(values: readonly T[]): (text: string) => T {
  return (text) => {
    const value = text.toLowerCase() as T;
    if (!values.includes(value)) throw new Problem(`must be one of ${values.join(", ")}`);
    return value;
  };
}

function matching(pattern: RegExp, maxLength: number, what: string): (text: string) => string {
  return (text) => {
    if (text.length > maxLength || !pattern.test(text)) throw new Problem(what);
    return text;
  };
}

function bytes(text: string): number {
  const match = BYTES.exec(text);
  const unit = (match?.[2] ?? "b").toLowerCase();
  const value = match ? Math.floor(Number(match[1]) * (UNIT_BYTES[unit] ?? 1)) : Number.NaN;
  if (!(value >= 1 && value <= MAX_BODY_LIMIT_BYTES)) {
    throw new Problem('must be a size such as "100kb" or "1mb" (b, kb, mb, gb; at most 100mb)');
  }
  return value;
}

/**
 * Reads the configuration from `env` (pass `process.env`). Pure: no side effects, no defaults read from elsewhere.
 * Throws a `ConfigError` listing every bad variable at once.
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];

  function read<T>(name: string, fallback: string, parse: (text: string) => T): T {
    const raw = env[name];
    const text = raw === undefined ? fallback : raw.trim();
    try {
      if (text === "") throw new Problem("is set but empty; unset it to use the default");
      return parse(text);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push(`${name} ${error.message} (got ${JSON.stringify(truncate(raw ?? ""))})`);
      return undefined as T;
    }
  }

  const config: Config = {
    port: read(
      PLATFORM_ENVIRONMENT.port,
      String(manifest.port),
      integer(0, 65535, "must be an integer from 0 to 65535 (0 picks a free port)"),
    ),
    serviceName: read(
      PLATFORM_ENVIRONMENT.serviceName,
      manifest.name,
      matching(KEBAB_CASE, 64, "must be lowercase kebab-case (a-z, 0-9, single hyphens), at most 64 characters"),
    ),
    healthCheckPath: read(
      PLATFORM_ENVIRONMENT.healthCheckPath,
      manifest.healthCheckPath,
      matching(URL_PATH, 200, "must be a URL path starting with /"),
    ),
    serviceVersion: read(
      PLATFORM_ENVIRONMENT.serviceVersion,
      "dev",
      matching(
        SERVICE_VERSION,
        128,
        "must be an image tag or commit (letters, digits, . _ + : @ / -), at most 128 characters",
      ),
    ),
    logLevel: read("LOG_LEVEL", "info", oneOf(LOG_LEVELS)),
    nodeEnv: read("NODE_ENV", "production", oneOf(NODE_ENVS)),
    shutdownGraceMs: read(
      PLATFORM_ENVIRONMENT.shutdownGraceMs,
      "10000",
      integer(
        0,
        MAX_SHUTDOWN_GRACE_MS,
        `must be an integer from 0 to ${MAX_SHUTDOWN_GRACE_MS} (milliseconds, below the task's stop timeout: 30 s by default)`,
      ),
    ),
    bodyLimit: env.BODY_LIMIT?.trim() || "100kb",
    bodyLimitBytes: read("BODY_LIMIT", "100kb", bytes),
    keepAliveTimeoutMs: read(
      "KEEP_ALIVE_TIMEOUT_MS",
      String(ALB_IDLE_TIMEOUT_MS + KEEP_ALIVE_MARGIN_MS),
      integer(
        ALB_IDLE_TIMEOUT_MS + 1,
        4_000_000,
        `must be an integer above ${ALB_IDLE_TIMEOUT_MS} (milliseconds, longer than the ALB idle timeout) and at most 4000000`,
      ),
    ),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
