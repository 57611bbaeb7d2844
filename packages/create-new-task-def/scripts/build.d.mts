import type { BuildResult } from "esbuild";

/** Bundles src/cli.ts into dist/cli.js (see build.mjs). */
export function buildCli(): Promise<BuildResult<{ metafile: true }>>;
