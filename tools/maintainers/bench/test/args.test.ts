import path from "node:path";
import { UsageError } from "@repo/devkit/cli";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../src/args.ts";
import { PART_IDS } from "../src/model.ts";
import { gitRepoWith } from "./support/git-repo.ts";

const ROOT = "/repo";

function options(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCliArgs(argv, env, ROOT);
  if (parsed.help) throw new Error("unexpected --help");
  return parsed.options;
}

describe("parseCliArgs", () => {
  it("runs every part in full mode and writes docs/ when nothing is named", () => {
    const parsed = options([]);
    expect(parsed.parts).toEqual([...PART_IDS]);
    expect(parsed.smoke).toBe(false);
    expect(parsed.outDir).toBe(path.join(ROOT, "docs"));
    expect(parsed.service).toBe("sample-service");
    expect(parsed.engine).toBe("auto");
  });

  it("runs the named parts in the suite's order and writes nothing without --out", () => {
    const parsed = options(["deploy", "throughput"]);
    expect(parsed.parts).toEqual(["throughput", "deploy"]);
    expect(parsed.outDir).toBeNull();
  });

  it("takes smoke mode from --smoke or BENCH_SMOKE=1, and then writes only with --out", () => {
    expect(options(["--smoke"]).smoke).toBe(true);
    expect(options([], { BENCH_SMOKE: "1" }).smoke).toBe(true);
    expect(options(["--smoke"]).outDir).toBeNull();
    expect(options(["--smoke", "--out", "/tmp/x"]).outDir).toBe("/tmp/x");
  });

  it("takes the engine and base image from flags before the environment", () => {
    const parsed = options(["--engine", "buildah", "--base-image", "img:1"], {
      CONTAINER_ENGINE: "docker",
      NODE_IMAGE: "img:2",
    });
    expect(parsed.engine).toBe("buildah");
    expect(parsed.baseImage).toBe("img:1");
    expect(options([], { NODE_IMAGE: " img:2 " }).baseImage).toBe("img:2");
  });

  it("names what is wrong", () => {
    expect(() => options(["thruput"])).toThrow(/unknown part "thruput"; parts: throughput, /);
    expect(() => options(["--engine", "podman"])).toThrow(/--engine: "podman" is not one of auto, docker, buildah/);
    expect(() => options([], { CONTAINER_ENGINE: "podman" })).toThrow(/CONTAINER_ENGINE: "podman"/);
    expect(() => options(["--out", " "])).toThrow(/--out: empty value/);
    expect(() => options(["--service", "../etc"])).toThrow(/--service "..\/etc" is not a folder name/);
    expect(() => options(["--bogus"])).toThrow(UsageError);
  });

  it("resolves --against to the commit it names, for the turbo part only", () => {
    const repo = gitRepoWith({ "package.json": "{}\n" });
    const against = (argv: string[]) => {
      const parsed = parseCliArgs(argv, {}, repo.root);
      if (parsed.help) throw new Error("unexpected --help");
      return parsed.options.against;
    };
    try {
      expect(against(["turbo", "--against", "HEAD"])).toEqual({ ref: "HEAD", commit: repo.commit });
      const short = repo.commit.slice(0, 12);
      expect(against(["--against", short])).toEqual({ ref: short, commit: repo.commit });
      expect(against(["turbo"])).toBeUndefined();
      expect(() => against(["deploy", "--against", "HEAD"])).toThrow(/--against applies to the turbo part/);
      expect(() => against(["turbo", "--against", "no-such-branch"])).toThrow(
        `--against "no-such-branch": names no commit of the repository at ${repo.root}`,
      );
      expect(() => against(["turbo", "--against=--all"])).toThrow(/a commit, not an option/);
    } finally {
      repo.remove();
    }
  });

  it("answers --help", () => {
    expect(parseCliArgs(["--help"], {}, ROOT)).toEqual({ help: true });
  });
});
