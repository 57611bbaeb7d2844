import { UsageError } from "@repo/devkit/cli";
import { describe, expect, it } from "vitest";
import { HELP, parseCliArgs } from "../src/args.ts";

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
      },
    });
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
  ])("rejects %j", (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(UsageError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
