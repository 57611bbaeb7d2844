import type { EngineName } from "@repo/container";
import { ShimRefusal } from "./refusal.ts";

/** Variables the rehearsal sets for its shims (documented in ./install.ts). */
export const SHIM_ENV = {
  /** PATH without the shims' folder: what the shims themselves use to reach the real tools. */
  realPath: "REHEARSE_REAL_PATH",
  /** docker | buildah: the engine the rehearsal chose once, before the build. */
  engine: "REHEARSE_ENGINE",
} as const;

export function shimEnvironment(env: NodeJS.ProcessEnv = process.env): { engineName: EngineName; realPath: string } {
  const engineName = env[SHIM_ENV.engine];
  const realPath = env[SHIM_ENV.realPath];
  if ((engineName !== "docker" && engineName !== "buildah") || !realPath) {
    throw new ShimRefusal(
      `rehearse: this shim runs only inside \`pnpm rehearse\` (${SHIM_ENV.engine} and ${SHIM_ENV.realPath} are not set)`,
    );
  }
  return { engineName, realPath };
}

/**
 * Runs a shim's main function: the real tools on the real PATH (never the shims again), a refusal or any other
 * failure printed as one clear message with exit code 1.
 */
export async function runShim(main: () => Promise<number>): Promise<void> {
  try {
    process.env.PATH = shimEnvironment().realPath;
    process.exitCode = await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof ShimRefusal ? `${message}\n` : `rehearse: ${message}\n`);
    process.exitCode = 1;
  }
}

export async function readAllStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
