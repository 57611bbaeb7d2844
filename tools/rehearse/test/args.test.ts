import { UsageError } from "@repo/devkit/cli";
import { describe, expect, it } from "vitest";
import { DEPLOY_DEFAULTS, HELP, parseCliArgs } from "../src/args.ts";
import { DEPLOY_EXIT } from "../src/deploy/deployment.ts";

describe("parseCliArgs", () => {
  it("reads the service and every option", () => {
    expect(
      parseCliArgs(
        [
          "sample-service",
          "--base-image",
          "img:1",
          "--registry",
          "127.0.0.1:5000",
          "--engine",
          "buildah",
          "--out",
          "o",
          "--keep-registry",
          "--json",
        ],
        {},
      ),
    ).toEqual({
      help: false,
      options: {
        service: "sample-service",
        baseImage: "img:1",
        registry: "127.0.0.1:5000",
        engine: "buildah",
        out: "o",
        keepRegistry: true,
        json: true,
        deploy: undefined,
      },
    });
  });

  it("reads the Deploy options, with their defaults", () => {
    expect(parseCliArgs(["svc", "--deploy"], {})).toMatchObject({
      options: { deploy: { artifacts: undefined, breaks: undefined, ...DEPLOY_DEFAULTS, blueImage: undefined } },
    });
    expect(
      parseCliArgs(
        ["svc", "--artifacts", "a", "--break", "smoke-test", "--time-scale", "120", "--blue-image", "img:old"],
        {},
      ),
    ).toMatchObject({
      options: { deploy: { artifacts: "a", breaks: "smoke-test", timeScale: 120, blueImage: "img:old" } },
    });
    expect(parseCliArgs(["svc", "--deploy", "--min-requests", "0", "--rate", "12.5"], {})).toMatchObject({
      options: { deploy: { minRequests: 0, rate: 12.5 } },
    });
  });

  it("documents every exit code", () => {
    for (const code of Object.values(DEPLOY_EXIT)) expect(HELP).toMatch(new RegExp(`^  ${code} +\\S`, "m"));
  });

  it("falls back to NODE_IMAGE and CONTAINER_ENGINE, and to auto", () => {
    const { options } = parseCliArgs(["svc"], { NODE_IMAGE: "from-env", CONTAINER_ENGINE: "docker" }) as {
      options: { baseImage: string; engine: string };
    };
    expect(options).toMatchObject({ baseImage: "from-env", engine: "docker" });
    expect(parseCliArgs(["svc"], {})).toMatchObject({ options: { engine: "auto", baseImage: undefined } });
  });

  it("shows help", () => {
    expect(parseCliArgs(["--help"], {})).toEqual({ help: true });
    expect(HELP).toContain("pnpm rehearse <service>");
  });

  it.each([
    [["svc", "--engine", "podman"], /--engine: "podman" is not one of auto, docker, buildah/],
    [["svc", "--colour"], /Unknown option '--colour'/],
    [["a", "b"], /one service at a time/],
    [["svc", "--out", " "], /--out: empty value/],
    [["svc", "--break", "health"], /--break needs --deploy \(or --artifacts\)/],
    [["svc", "--deploy", "--break", "network"], /--break: "network" is not one of health, smoke-test/],
    [["svc", "--deploy", "--time-scale", "0"], /--time-scale: "0" is not a number above 0/],
    [["svc", "--deploy", "--connections", "2.5"], /--connections: "2.5" is not a whole number above 0/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(UsageError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
