// Bundles the CLI into ONE file, dist/cli.js, that runs with plain `node` and no node_modules (CodeBuild runs it
// right after a filtered install; the local rehearsal runs it too). ESM, so `require` (used by some AWS SDK
// dependencies) comes from createRequire in the banner.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * The Node.js major CodeBuild runs the CLI on: buildspec.yml selects the one the workspace's .nvmrc names (a test
 * keeps the two equal). Read directly: CodeBuild installs only this package's dependencies before building it.
 */
export function nodeTarget() {
  const text = readFileSync(new URL("../../../.nvmrc", import.meta.url), "utf8").trim();
  const major = /^v?(\d+)/.exec(text)?.[1];
  if (!major) throw new Error(`.nvmrc must name a Node.js version such as 24 (found ${JSON.stringify(text)})`);
  return `node${major}`;
}

export async function buildCli() {
  return build({
    absWorkingDir: packageDir,
    entryPoints: ["src/cli.ts"],
    outfile: "dist/cli.js",
    bundle: true,
    platform: "node",
    mainFields: ["module", "main"],
    target: nodeTarget(),
    format: "esm",
    minify: true,
    legalComments: "eof",
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    logLevel: "warning",
    metafile: true,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await buildCli();
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  process.stderr.write(`dist/cli.js: ${(bytes / 1024).toFixed(0)} KiB\n`);
}
