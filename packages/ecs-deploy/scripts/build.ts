// Bundles the CLI into ONE file, dist/cli.js, that runs with plain `node` and no node_modules (the Deploy stage's
// CodeBuild project runs it). ESM, so `require` (used by some AWS SDK dependencies) comes from createRequire.
import { fileURLToPath } from "node:url";
import { esbuildNodeTarget } from "@repo/service-contract";
import { type BuildResult, build } from "esbuild";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

export async function buildCli(): Promise<BuildResult<{ metafile: true }>> {
  return build({
    absWorkingDir: packageDir,
    entryPoints: ["src/cli.ts"],
    outfile: "dist/cli.js",
    bundle: true,
    platform: "node",
    mainFields: ["module", "main"],
    // The Node.js major of .nvmrc, which the Deploy stage's buildspec selects.
    target: esbuildNodeTarget(),
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
