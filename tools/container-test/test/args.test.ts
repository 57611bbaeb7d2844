import { UsageError } from "@repo/devkit/cli";
import { describe, expect, it } from "vitest";
import { type CliOptions, parseCliArgs } from "../src/args.ts";

function options(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const parsed = parseCliArgs(argv, env);
  return "options" in parsed ? parsed.options : expect.unreachable("expected options, got help");
}

describe("parseCliArgs", () => {
  it("defaults to the sample service, automatic engine and the Dockerfile's base image", () => {
    expect(options([])).toEqual({
      service: "sample-service",
      engine: "auto",
      baseImage: undefined,
      tag: "localhost/sample-service:container-test",
      buildArgs: {},
      healthTimeoutMs: 60_000,
      stopTimeoutMs: undefined,
      jsonFile: undefined,
    });
  });

  it("takes the service, flags and repeated build arguments", () => {
    const parsed = options([
      "orders",
      "--engine",
      "buildah",
      "--base-image",
      "localhost/stand-in/node:24-bookworm-slim",
      "--build-arg",
      "NPM_CONFIG_REGISTRY=http://127.0.0.1:4873/",
      "--build-arg",
      "EMPTY=",
      "--health-timeout",
      "2.5",
      "--stop-timeout=12",
      "--json",
      "out.json",
    ]);
    expect(parsed).toMatchObject({
      service: "orders",
      engine: "buildah",
      baseImage: "localhost/stand-in/node:24-bookworm-slim",
      tag: "localhost/orders:container-test",
      buildArgs: { NPM_CONFIG_REGISTRY: "http://127.0.0.1:4873/", EMPTY: "" },
      healthTimeoutMs: 2500,
      stopTimeoutMs: 12_000,
      jsonFile: "out.json",
    });
  });

  it("reads the engine and base image from the environment, flags winning", () => {
    const env = { CONTAINER_ENGINE: "docker", NODE_IMAGE: "mirror.example/node:24-bookworm-slim" };
    expect(options([], env)).toMatchObject({ engine: "docker", baseImage: "mirror.example/node:24-bookworm-slim" });
    expect(options(["--engine", "buildah", "--base-image", "other/node:24"], env)).toMatchObject({
      engine: "buildah",
      baseImage: "other/node:24",
    });
  });

  it("treats an empty NODE_IMAGE as unset", () => {
    expect(options([], { NODE_IMAGE: "" }).baseImage).toBeUndefined();
  });

  it("answers --help and -h", () => {
    expect(parseCliArgs(["--help"])).toEqual({ help: true });
    expect(parseCliArgs(["orders", "-h"])).toEqual({ help: true });
  });

  it.each([
    [["--engine", "podman"], '--engine: "podman" is not one of auto, docker, buildah'],
    [["--health-timeout", "soon"], '--health-timeout: "soon" is not a positive number of seconds'],
    [["--stop-timeout", "0"], '--stop-timeout: "0" is not a positive number of seconds'],
    [["--build-arg", "NOEQUALS"], '--build-arg "NOEQUALS": expected KEY=VALUE'],
    [["--build-arg", "NODE_IMAGE=x"], "--build-arg NODE_IMAGE: set by this tool from --base-image"],
    [["--build-arg", "PORT=1"], "--build-arg PORT: set by this tool from service.json's port"],
    [["--base-image", " "], "--base-image: empty value"],
    [["one", "two"], "expected at most one service, got: one two"],
    [["Orders_Service"], 'service "Orders_Service" is not a service name'],
    [["--colour"], "Unknown option '--colour'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it("names the environment variable when CONTAINER_ENGINE is wrong", () => {
    expect(() => parseCliArgs([], { CONTAINER_ENGINE: "lxc" })).toThrow('CONTAINER_ENGINE: "lxc" is not one of');
  });
});
