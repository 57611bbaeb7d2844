import { describe, expect, it } from "vitest";
import { argDefault, argInstructions } from "../src/dockerfile.ts";

describe("argInstructions", () => {
  it("reads names, defaults (unquoted) and lines", () => {
    const text = [
      "ARG NODE_IMAGE=public.ecr.aws/docker/library/node:24-bookworm-slim",
      "FROM node:24 AS build",
      '  ARG EMPTY=""',
      "ARG NO_DEFAULT",
      "arg lower='quoted value'",
      "RUN echo ARG NOT_AN_ARG=1",
    ].join("\n");
    expect(argInstructions(text)).toEqual([
      { name: "NODE_IMAGE", defaultValue: "public.ecr.aws/docker/library/node:24-bookworm-slim", line: 1 },
      { name: "EMPTY", defaultValue: "", line: 3 },
      { name: "NO_DEFAULT", defaultValue: undefined, line: 4 },
      { name: "lower", defaultValue: "quoted value", line: 5 },
    ]);
  });
});

describe("argDefault", () => {
  it("returns the default shared by every stage", () => {
    expect(argDefault("ARG A=1\nFROM x\nARG A=1\nARG A\n", "A")).toBe("1");
  });

  it("names both lines when stages disagree", () => {
    expect(() => argDefault("ARG A=1\nFROM x\nARG A=2\n", "A", "apps/x/Dockerfile")).toThrow(
      'apps/x/Dockerfile: ARG A defaults to "1" on line 1 but to "2" on line 3',
    );
  });

  it("names the file when the ARG is missing", () => {
    expect(() => argDefault("ARG B\n", "B", "apps/x/Dockerfile")).toThrow(
      "apps/x/Dockerfile: no ARG B with a default value",
    );
  });
});
