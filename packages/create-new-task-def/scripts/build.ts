// Bundles the CLI into ONE file, dist/cli.js, that runs with plain `node` and no node_modules (CodeBuild runs it
// right after a filtered install; the local rehearsal runs it too).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleSummary, cliBundleOptions } from "@repo/devkit/bundle";
import { build } from "esbuild";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * The Node.js major CodeBuild runs the CLI on: buildspec.yml selects the one the workspace's .nvmrc names (a test
 * keeps the two equal). Read directly: CodeBuild installs only this package's dependencies before building it, so
 * the contract's own reader (which comes with zod) is not there.
 */
export function nodeTarget(): string {
  const text = readFileSync(new URL("../../../.nvmrc", import.meta.url), "utf8").trim();
  const major = /^v?(\d+)/.exec(text)?.[1];
  if (!major) throw new Error(`.nvmrc must name a Node.js version such as 24 (found ${JSON.stringify(text)})`);
  return `node${major}`;
}

export function buildCli() {
  return build(cliBundleOptions(packageDir, nodeTarget()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stderr.write(bundleSummary((await buildCli()).metafile));
}
