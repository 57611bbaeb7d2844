// The synthesized templates the deploy floor and the cost model read: --cdk-out, or one fresh synth of the repository
// per run, shared by every part that reads it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "./context.ts";
import type { Template } from "./deploy-floor.ts";
import { runChecked } from "./processes.ts";

export interface SynthesizedTemplates {
  /** Where they were read: "a fresh synth of the repository", or the --cdk-out folder. */
  source: string;
  /** Every stack's template, by file name (e.g. "bluegreen-shared.template.json"). */
  templates: ReadonlyMap<string, Template>;
}

const synths = new WeakMap<BenchContext, Promise<SynthesizedTemplates>>();

/** Read once per run and kept in memory: each part's cleanup removes the temporary synth folder. */
export function synthesizedTemplates(ctx: BenchContext): Promise<SynthesizedTemplates> {
  let pending = synths.get(ctx);
  if (!pending) {
    pending = templatesDir(ctx).then(({ dir, synthesized }) => ({
      source: synthesized ? "a fresh synth of the repository" : dir,
      templates: readTemplates(dir),
    }));
    synths.set(ctx, pending);
  }
  return pending;
}

export function readTemplates(dir: string): Map<string, Template> {
  const names = readdirSync(dir).filter((name) => name.endsWith(".template.json"));
  if (names.length === 0) throw new Error(`no *.template.json in ${dir}: not a cdk.out folder`);
  return new Map(
    names.sort().map((name) => [name, JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Template]),
  );
}

interface TemplatesDir {
  dir: string;
  synthesized: boolean;
}

async function templatesDir(ctx: BenchContext): Promise<TemplatesDir> {
  if (ctx.options.cdkOut) {
    const dir = path.resolve(ctx.options.cdkOut);
    if (!existsSync(dir)) throw new Error(`--cdk-out ${dir} does not exist`);
    return { dir, synthesized: false };
  }
  const dir = path.join(await ctx.makeTempDir("synthesized"), "cdk.out");
  ctx.progress("pnpm --filter @repo/infra synth --output <temporary> (the repository as it is now)");
  await runChecked("pnpm", ["--filter", "@repo/infra", "synth", "--output", dir], {
    cwd: ctx.repoRoot,
    cleanup: ctx.cleanup,
  });
  return { dir, synthesized: true };
}
