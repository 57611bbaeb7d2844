// Test support: runs the real generators through plop's node API (node-plop) on the real plopfile.
import { fileURLToPath } from "node:url";
import nodePlop from "node-plop";
import { register } from "tsx/esm/api";

export const PLOPFILE = fileURLToPath(new URL("../../plopfile.ts", import.meta.url));

// node-plop imports the plopfile with Node's own import(), as the plop CLI does under tsx: teach Node TypeScript.
register();

export interface GeneratorRun {
  /** What each action reported (type and path/summary), as plop prints them. */
  changes: { type: string; path: string }[];
  /** Failed actions, or the prompt/bypass error; empty when the run succeeded. */
  failures: string[];
}

/**
 * Runs one generator against `root` as `pnpm plop <generator> <...answers>` would: the answers are plop's bypass
 * arguments (`_` for a default). Without a TTY nothing is asked, as in CI.
 */
export async function runGenerator(root: string, generator: string, answers: string[] = []): Promise<GeneratorRun> {
  const plop = await nodePlop(PLOPFILE, { destBasePath: root, force: false });
  const gen = plop.getGenerator(generator);
  let data: Record<string, unknown>;
  try {
    data = await gen.runPrompts(answers);
  } catch (error) {
    return { changes: [], failures: [(error as Error).message] };
  }
  const result = await gen.runActions(data);
  return {
    changes: result.changes.map((change: { type: string; path: string }) => ({ type: change.type, path: change.path })),
    failures: result.failures.map((failure: { error?: string; message?: string }) =>
      String(failure.error ?? failure.message),
    ),
  };
}
