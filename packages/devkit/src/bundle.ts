// How a CLI that CodeBuild runs is bundled: src/cli.ts into ONE file, dist/cli.js, that runs with plain `node` and
// no node_modules. The package that bundles brings esbuild itself (only its types are imported here), so this module
// costs a filtered `pnpm install` of that package nothing.
import type { BuildOptions, Metafile } from "esbuild";

/** esbuild's options for `<packageDir>/src/cli.ts` -> `<packageDir>/dist/cli.js`, for Node `target` (e.g. node24). */
export function cliBundleOptions(packageDir: string, target: string) {
  return {
    absWorkingDir: packageDir,
    entryPoints: ["src/cli.ts"],
    outfile: "dist/cli.js",
    bundle: true,
    platform: "node",
    mainFields: ["module", "main"],
    target,
    // ESM, so `require` (used by some AWS SDK dependencies) comes from createRequire in the banner.
    format: "esm",
    minify: true,
    legalComments: "eof",
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    logLevel: "warning",
    metafile: true,
  } as const satisfies BuildOptions;
}

/** "dist/cli.js: 812 KiB", from the bundle's metafile. */
export function bundleSummary(metafile: Metafile): string {
  const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return `dist/cli.js: ${(bytes / 1024).toFixed(0)} KiB\n`;
}
