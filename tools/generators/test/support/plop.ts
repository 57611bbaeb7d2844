// Test support: runs the real generators through plop's node API (node-plop) on the real plopfile.
import { fileURLToPath } from "node:url";
import nodePlop from "node-plop";
import { register } from "tsx/esm/api";
import { expect, it } from "vitest";
import { copyWorkspace, snapshotTree, treeChanges } from "./workspace.ts";

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

/** [what, answers, the message expected]: a run that must fail. */
export type Refusal = [string, string[], RegExp];

/** Each case, run against one copy: it fails with its message, and leaves the copy exactly as it found it. */
export function itRefuses(generator: string, cases: readonly Refusal[]): void {
  const root = copyWorkspace();
  it.each(cases)("%s", async (_what, answers, message) => {
    const before = snapshotTree(root);
    const run = await runGenerator(root, generator, answers);
    expect(run.failures.join("\n")).toMatch(message);
    expect(treeChanges(before, snapshotTree(root))).toEqual([]);
  });
}
