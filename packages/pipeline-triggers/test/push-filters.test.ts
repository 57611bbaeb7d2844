import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import {
  CODEPIPELINE_TRIGGER_LIMITS,
  type CodePipelinePushFilter,
  codePipelinePushFilters,
  matchesTriggerPath,
  TriggerLimitError,
  triggerGlobs,
} from "../src/index.ts";
import { sampleLikeTriggerPaths } from "./support/sample-paths.ts";

const { maxFilePathIncludes, maxPatternLength, maxPushFilters } = CODEPIPELINE_TRIGGER_LIMITS;

/**
 * Whether a push of `file` to `branch` passes the filters, judged by picomatch, an independent implementation of
 * the glob syntax CodePipeline documents (`**` crosses folders, `{a,b}` groups, `\` escapes). `dot: true`
 * because CodePipeline's globs do not treat dotfiles specially.
 */
function filtersMatch(filters: readonly CodePipelinePushFilter[], branch: string, file: string): boolean {
  return filters.some(
    (filter) =>
      filter.branchesIncludes.some((pattern) => matcher(pattern)(branch)) &&
      filter.filePathsIncludes.some((pattern) => matcher(pattern)(file)),
  );
}

const matchers = new Map<string, (text: string) => boolean>();
function matcher(pattern: string): (text: string) => boolean {
  let compiled = matchers.get(pattern);
  if (!compiled) {
    compiled = picomatch(pattern, { dot: true });
    matchers.set(pattern, compiled);
  }
  return compiled;
}

/** Files inside, beside and around each trigger path: the globs must agree with the prefixes on every one. */
function probeFiles(triggerPaths: readonly string[]): string[] {
  const probes = new Set<string>(["README.md", "docs/guide.md", "apps/other/src/index.ts", ".github/workflows/ci.yml"]);
  for (const entry of triggerPaths) {
    if (entry.endsWith("/")) {
      const dir = entry.slice(0, -1);
      for (const file of ["package.json", "src/deep/nested/file.ts", ".env.example", "Dockerfile"])
        probes.add(`${dir}/${file}`);
      probes.add(`${dir}-sibling/package.json`);
      probes.add(`${dir}.txt`);
      probes.add(`x${dir}/package.json`);
    } else {
      probes.add(entry);
      probes.add(`${entry}.bak`);
      probes.add(`nested/${entry}`);
    }
  }
  return [...probes];
}

function expectEquivalent(triggerPaths: readonly string[], filters: readonly CodePipelinePushFilter[], branch: string) {
  for (const file of probeFiles(triggerPaths)) {
    const expected = triggerPaths.some((entry) => matchesTriggerPath(file, entry));
    expect({ file, matches: filtersMatch(filters, branch, file) }).toEqual({ file, matches: expected });
  }
  const inside = probeFiles(triggerPaths).find((file) => triggerPaths.some((entry) => matchesTriggerPath(file, entry)));
  expect(inside).toBeDefined();
  expect(filtersMatch(filters, `${branch}-other`, inside ?? "")).toBe(false);
}

function expectWithinLimits(filters: readonly CodePipelinePushFilter[]) {
  expect(filters.length).toBeGreaterThan(0);
  expect(filters.length).toBeLessThanOrEqual(maxPushFilters);
  for (const filter of filters) {
    expect(filter.branchesIncludes.length).toBeGreaterThan(0);
    expect(filter.filePathsIncludes.length).toBeGreaterThan(0);
    expect(filter.filePathsIncludes.length).toBeLessThanOrEqual(maxFilePathIncludes);
    for (const pattern of filter.filePathsIncludes) expect(pattern.length).toBeLessThanOrEqual(maxPatternLength);
  }
}

function packages(count: number, nameLength: number): string[] {
  return Array.from({ length: count }, (_, index) => `packages/${`pkg${index}-`.padEnd(nameLength, "x")}/`);
}

describe("triggerGlobs", () => {
  it("turns folders into dir/** and keeps files exact", () => {
    expect(triggerGlobs(["apps/orders/", "pnpm-lock.yaml", ".dockerignore"])).toEqual([
      "apps/orders/**",
      "pnpm-lock.yaml",
      ".dockerignore",
    ]);
  });
});

describe("codePipelinePushFilters", () => {
  it("uses one plain pattern per path when the list fits one filter", () => {
    const paths = ["apps/orders/", "packages/tsconfig/", "package.json", "pnpm-lock.yaml"];
    const filters = codePipelinePushFilters(paths, "main");

    expect(filters).toEqual([
      {
        branchesIncludes: ["main"],
        filePathsIncludes: ["apps/orders/**", "packages/tsconfig/**", "package.json", "pnpm-lock.yaml"],
      },
    ]);
    expectEquivalent(paths, filters, "main");
  });

  it("packs a sample-sized list (over 8 paths) into brace groups in one filter, matching exactly the same files", () => {
    const paths = [...sampleLikeTriggerPaths("apps/orders"), ".npmrc"].sort();
    const filters = codePipelinePushFilters(paths, "main");

    expect(filters).toEqual([
      {
        branchesIncludes: ["main"],
        filePathsIncludes: [
          "{.dockerignore,.npmrc,appspec.yaml,buildspec.yml,package.json,pnpm-lock.yaml,pnpm-workspace.yaml,taskdef.template.json,turbo.json}",
          "apps/orders/**",
          "packages/{create-new-task-def,tsconfig}/**",
        ],
      },
    ]);
    expectEquivalent(paths, filters, "main");
  });

  it("splits groups at 255 characters and spreads over several push filters when one is not enough", () => {
    const paths = ["apps/orders/", ...packages(90, 40), "pnpm-lock.yaml", "turbo.json"];
    const filters = codePipelinePushFilters(paths, "release/2026");

    expect(filters.length).toBeGreaterThan(1);
    expectWithinLimits(filters);
    expectEquivalent(paths, filters, "release/2026");
  });

  it("escapes glob characters in folder, file and branch names", () => {
    const paths = ["apps/we{ird},name/", "packages/a[1]/", "star*.json", ...packages(8, 12)];
    const filters = codePipelinePushFilters(paths, "feature/*");

    expectWithinLimits(filters);
    expectEquivalent(paths, filters, "feature/*");
    expect(filtersMatch(filters, "feature/x", "star*.json")).toBe(false);
    expect(filtersMatch(filters, "feature/*", "starry.json")).toBe(false);
  });

  it("fails with the numbers when even packed patterns exceed 3 filters x 8 patterns", () => {
    const tooMany = packages(400, 60);

    expect(() => codePipelinePushFilters(tooMany, "main")).toThrow(TriggerLimitError);
    expect(() => codePipelinePushFilters(tooMany, "main")).toThrow(
      /^400 trigger paths need \d+ file path patterns, more than CodePipeline allows \(3 push filters x 8 patterns of 255 characters\)/,
    );
  });

  it("rejects a single path longer than a pattern may be, and an empty list", () => {
    expect(() => codePipelinePushFilters([`apps/${"x".repeat(260)}/`], "main")).toThrow(
      /is 268 characters; CodePipeline accepts at most 255/,
    );
    expect(() => codePipelinePushFilters([], "main")).toThrow("no trigger paths: a pipeline needs at least one");
  });
});
