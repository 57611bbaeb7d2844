import { chmod, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { shellQuote } from "../shell-env.ts";

/** The commands the rehearsal stands in for, and the TS entry point of each. */
export const SHIMS = {
  aws: "aws-main.ts",
  docker: "docker-main.ts",
  npm: "npm-main.ts",
} as const;

export type ShimName = keyof typeof SHIMS;

/**
 * The wrapper script of one shim: node with tsx's loader (so the TS source runs as is, no build step) on the shim's
 * entry point, arguments passed through. The shims read REHEARSE_ENGINE and REHEARSE_REAL_PATH (./runtime.ts).
 */
export function shimScript(name: ShimName, nodePath: string, tsxLoaderUrl: string, entry: string): string {
  return [
    "#!/bin/sh",
    `# pnpm rehearse: stands in for \`${name}\` while buildspec.yml runs (tools/rehearse/src/shims/${SHIMS[name]}).`,
    `exec ${shellQuote(nodePath)} --import ${shellQuote(tsxLoaderUrl)} ${shellQuote(entry)} "$@"`,
    "",
  ].join("\n");
}

/** Writes the shims into `binDir` (put first on the build's PATH) and returns their paths. */
export async function installShims(binDir: string, nodePath: string = process.execPath): Promise<string[]> {
  await mkdir(binDir, { recursive: true });
  const tsxLoaderUrl = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const written: string[] = [];
  for (const [name, entry] of Object.entries(SHIMS) as [ShimName, string][]) {
    const file = path.join(binDir, name);
    await writeFile(file, shimScript(name, nodePath, tsxLoaderUrl, path.join(here, entry)));
    await chmod(file, 0o755);
    written.push(file);
  }
  return written;
}
