import { describe, expect, it } from "vitest";
import { smokeTestEnvironment } from "../src/index.ts";
import { smokeTestSettingsFromEnvironment } from "../src/smoke-test/environment.ts";
import { smokeSettings } from "./support/green-service.ts";

describe("smokeTestEnvironment / smokeTestSettingsFromEnvironment", () => {
  it("writes the variables the hooks read back, with the defaults", () => {
    const environment = smokeTestEnvironment({ testUrl: "http://alb:9000", healthCheckPath: "/health" });

    expect(environment).toEqual({
      TEST_URL: "http://alb:9000",
      HEALTH_PATH: "/health",
      ATTEMPTS: "4",
      REQUEST_TIMEOUT_MS: "3000",
      BACKOFF_MS: "1000",
    });
    expect(smokeTestSettingsFromEnvironment(environment)).toEqual(
      smokeSettings("http://alb:9000", { attempts: 4, timeoutMs: 3000, backoffMs: 1000 }),
    );
  });

  it("reads what the stack sets, checking only the health path when it is /", () => {
    expect(
      smokeTestSettingsFromEnvironment({
        TEST_URL: "http://alb:9000",
        HEALTH_PATH: "/",
        ATTEMPTS: "2",
        BACKOFF_MS: "5",
      }),
    ).toEqual({
      baseUrl: "http://alb:9000",
      checks: [{ path: "/", expect: "success" }],
      attempts: 2,
      timeoutMs: 3000,
      backoffMs: 5,
    });
  });

  it("names the variable at fault", () => {
    expect(() => smokeTestSettingsFromEnvironment({})).toThrow("environment variable TEST_URL is required");
    expect(() => smokeTestSettingsFromEnvironment({ TEST_URL: "http://x", ATTEMPTS: "0" })).toThrow(
      "environment variable ATTEMPTS must be a positive integer",
    );
    expect(() => smokeTestEnvironment({ testUrl: "http://x", healthCheckPath: "health" })).toThrow(
      'environment variable HEALTH_PATH must be a path starting with "/"',
    );
  });
});
