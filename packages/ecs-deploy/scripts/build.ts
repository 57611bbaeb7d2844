// Bundles the CLI into ONE file, dist/cli.js, that runs with plain `node` and no node_modules (the Deploy stage's
// CodeBuild project runs it).
import { fileURLToPath } from "node:url";
import { bundleSummary, cliBundleOptions } from "@repo/devkit/bundle";
import { esbuildNodeTarget } from "@repo/service-contract";
import { build } from "esbuild";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

export function buildCli() {
  // The Node.js major of .nvmrc, which the Deploy stage's buildspec selects.
  return build(cliBundleOptions(packageDir, esbuildNodeTarget()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stderr.write(bundleSummary((await buildCli()).metafile));
}
