// Bundles src/server.ts and every dependency into dist/server.js: the container runs it without node_modules.
import { fileURLToPath } from "node:url";
import { esbuildNodeTarget } from "@repo/service-contract";
import { type BuildOptions, build } from "esbuild";

export const DEFAULT_OUTFILE = fileURLToPath(new URL("../dist/server.js", import.meta.url));

export function bundleOptions(outfile: string = DEFAULT_OUTFILE): BuildOptions {
  return {
    entryPoints: [fileURLToPath(new URL("../src/server.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    // The Node.js major of .nvmrc, which the container image runs.
    target: esbuildNodeTarget(),
    format: "esm",
    sourcemap: "linked",
    minify: false,
    legalComments: "linked",
    // Bundled CommonJS packages (express and its dependencies) call require(); give the ES module one.
    banner: {
      js: 'import { createRequire as __bundleCreateRequire } from "node:module";\nconst require = __bundleCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  };
}

export async function bundle(outfile: string = DEFAULT_OUTFILE): Promise<void> {
  await build(bundleOptions(outfile));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle();
  console.log(`built ${DEFAULT_OUTFILE}`);
}
