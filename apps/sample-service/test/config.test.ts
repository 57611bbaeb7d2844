import { describe, expect, it } from "vitest";
import { ConfigError, EXIT_CONFIG, loadConfig } from "../src/config.ts";
import { MANIFEST } from "./helpers.ts";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("loadConfig", () => {
  it("fills every default from an empty environment", () => {
    expect(loadConfig({})).toEqual({
      port: MANIFEST.port,
      serviceName: MANIFEST.name,
      healthCheckPath: MANIFEST.healthCheckPath,
      serviceVersion: "dev",
      logLevel: "info",
      nodeEnv: "production",
      shutdownGraceMs: 10_000,
      bodyLimit: "100kb",
      bodyLimitBytes: 100 * 1024,
      keepAliveTimeoutMs: 65_000,
    });
  });

  it("keeps the defaults' promises: idle connections outlive the ALB's 60 s, shutdown ends before ECS's 30 s", () => {
    const config = loadConfig({});
    expect(config.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(config.shutdownGraceMs).toBeLessThan(30_000);
  });

  it("reads every variable", () => {
    expect(
      loadConfig({
        PORT: "0",
        SERVICE_NAME: "orders",
        HEALTH_CHECK_PATH: "/healthz",
        SERVICE_VERSION: "1.4.2+sha.0c702a3",
        LOG_LEVEL: "DEBUG",
        NODE_ENV: "development",
        SHUTDOWN_GRACE_MS: "2500",
        BODY_LIMIT: "1mb",
        KEEP_ALIVE_TIMEOUT_MS: "75000",
        UNRELATED: "ignored",
      }),
    ).toEqual({
      port: 0,
      serviceName: "orders",
      healthCheckPath: "/healthz",
      serviceVersion: "1.4.2+sha.0c702a3",
      logLevel: "debug",
      nodeEnv: "development",
      shutdownGraceMs: 2500,
      bodyLimit: "1mb",
      bodyLimitBytes: 1024 * 1024,
      keepAliveTimeoutMs: 75_000,
    });
  });

  it.each([
    ["512", 512],
    ["2 KB", 2048],
    ["1.5mb", 1.5 * 1024 * 1024],
  ])("reads BODY_LIMIT=%j as %d bytes", (value, bytes) => {
    expect(loadConfig({ BODY_LIMIT: value }).bodyLimitBytes).toBe(bytes);
  });

  it.each([
    ["PORT", "http"],
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["PORT", "3000.5"],
    ["SERVICE_NAME", "Sample_Service"],
    ["SERVICE_NAME", "a".repeat(65)],
    ["HEALTH_CHECK_PATH", "health"],
    ["HEALTH_CHECK_PATH", "/he alth"],
    ["SERVICE_VERSION", "has spaces"],
    ["SERVICE_VERSION", "v".repeat(129)],
    ["LOG_LEVEL", "verbose"],
    ["NODE_ENV", "staging"],
    ["SHUTDOWN_GRACE_MS", "soon"],
    ["SHUTDOWN_GRACE_MS", "120000"],
    ["BODY_LIMIT", "lots"],
    ["BODY_LIMIT", "0"],
    ["BODY_LIMIT", "2gb"],
    ["KEEP_ALIVE_TIMEOUT_MS", "5000"],
    ["KEEP_ALIVE_TIMEOUT_MS", "60000"],
    ["KEEP_ALIVE_TIMEOUT_MS", "1e5"],
  ])("rejects %s=%j with one message naming the variable", (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} must `));
    expect(problems[0]).toContain(JSON.stringify(value.slice(0, 40)).slice(0, -1));
  });

  it.each([
    "PORT",
    "SERVICE_NAME",
    "HEALTH_CHECK_PATH",
    "SERVICE_VERSION",
    "LOG_LEVEL",
    "NODE_ENV",
    "SHUTDOWN_GRACE_MS",
    "BODY_LIMIT",
  ])("rejects %s set but empty", (name) => {
    expect(problemsOf({ [name]: " " })).toEqual([expect.stringMatching(new RegExp(`^${name} is set but empty`))]);
  });

  it("lists every bad variable in one message", () => {
    try {
      loadConfig({ PORT: "x", LOG_LEVEL: "loud", KEEP_ALIVE_TIMEOUT_MS: "1" });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid configuration \(3 problems\): PORT must .*; LOG_LEVEL must .*; KEEP_ALIVE/);
      expect(message).not.toContain("\n");
    }
  });

  it("exits with EX_CONFIG", () => {
    expect(EXIT_CONFIG).toBe(78);
  });
});
