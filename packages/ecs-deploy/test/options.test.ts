import { describe, expect, it } from "vitest";
import { DEFAULTS, parseCommandLine, UsageError } from "../src/index.ts";

const REQUIRED = { ECS_CLUSTER: "bluegreen", ECS_SERVICE: "sample-service", CONTAINER_NAME: "sample-service" };

const options = (argv: string[], env: Record<string, string> = REQUIRED) => {
  const invocation = parseCommandLine(argv, env);
  if (invocation.action !== "run") throw new Error(`expected a run, got ${invocation.action}`);
  return invocation.options;
};

describe("settings", () => {
  it("come from the environment, with defaults for the rest", () => {
    expect(options([])).toEqual({
      cluster: "bluegreen",
      service: "sample-service",
      container: "sample-service",
      artifacts: DEFAULTS.artifacts,
      timeoutMs: DEFAULTS.timeoutMinutes * 60_000,
      pollIntervalMs: DEFAULTS.pollIntervalSeconds * 1000,
      onTimeout: "rollback",
    });
  });

  it("take flags over variables, and fractions of minutes and seconds", () => {
    const parsed = options(
      ["--service", "orders", "--timeout", "0.5", "--poll-interval", "0.01", "--on-timeout", "leave"],
      {
        ...REQUIRED,
        DEPLOY_TIMEOUT_MINUTES: "90",
        ARTIFACTS_DIR: "/codebuild/output/build",
      },
    );
    expect(parsed).toMatchObject({
      service: "orders",
      timeoutMs: 30_000,
      pollIntervalMs: 10,
      onTimeout: "leave",
      artifacts: "/codebuild/output/build",
    });
  });

  it("name every missing required setting at once", () => {
    expect(() => parseCommandLine([], { ECS_SERVICE: "  " })).toThrow(
      new UsageError(
        "missing required settings: --cluster / ECS_CLUSTER, --service / ECS_SERVICE, --container / CONTAINER_NAME",
      ),
    );
  });

  it.each([
    [["--timeout", "0"], '--timeout / DEPLOY_TIMEOUT_MINUTES must be a positive number of minutes, got "0"'],
    [
      ["--poll-interval", "5s"],
      '--poll-interval / POLL_INTERVAL_SECONDS must be a positive number of seconds, got "5s"',
    ],
    [["--on-timeout", "stop"], '--on-timeout / ON_TIMEOUT must be one of rollback, leave, got "stop"'],
    [["--clusterr", "x"], "Unknown option '--clusterr'"],
  ])("refuse %j", (argv, message) => {
    expect(() => parseCommandLine(argv, REQUIRED)).toThrow(message);
  });

  it("answer --help and --version before checking anything else", () => {
    expect(parseCommandLine(["--help"], {})).toEqual({ action: "help" });
    expect(parseCommandLine(["-v"], {})).toEqual({ action: "version" });
  });
});
