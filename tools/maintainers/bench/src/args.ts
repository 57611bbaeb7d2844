import { execFileSync } from "node:child_process";
import path from "node:path";
import { engineChoice } from "@repo/container";
import * as cli from "@repo/devkit/cli";
import { isKebabCase } from "@repo/service-contract/naming";
import type { AgainstCommit, BenchOptions } from "./context.ts";
import { PART_IDS, type PartId } from "./model.ts";

export const HELP = `Usage: pnpm bench [part ...] [options]

Measures what makes a push reach production fast and keeps services cheap; every figure is printed next to a
baseline measured in the same run. With no part named, every part runs and the table is written to
docs/benchmarks.md and docs/benchmarks.json.

Parts (run in this order; name one or more to run only those):
  throughput   service GET / and POST /greetings vs a bare Express 5 hello-world: requests/s, p50/p99, peak RSS
  middleware   where the service's per-request time goes: the service rebuilt with one piece removed at a time
  shutdown     SIGTERM in the middle of a load run: failed requests and time to exit, vs bare Express
  image        image size, size added on top of the base image, cold build vs rebuild after a one-line change
  start        process start to the first 200 on the health path (and the container's, after the image part)
  synth        cdk synth of 1, 10 and 20 generated services (temporary copies of the repository)
  turbo        the README test command cold, fully cached, and after touching one service (temporary copy)
  deploy       the blue/green deploy floor from the synthesized templates vs AWS's defaults

Options:
  --smoke                  seconds instead of minutes (env BENCH_SMOKE=1): checks that the parts run; the
                           figures mean little. Writes nothing unless --out is given.
  --out <dir>              write benchmarks.md and benchmarks.json to <dir> (default: docs/ when every part
                           runs in full mode; otherwise the table is only printed)
  --service <name>         the service measured, a folder under apps/ (default: sample-service)
  --engine <name>          auto | docker | buildah (env CONTAINER_ENGINE; default auto)
  --base-image <image>     base image for the image part (env NODE_IMAGE; default: the Dockerfile's own).
                           It must already be in the engine's local storage: the bench pulls nothing.
  --cdk-out <dir>          deploy floor: read these synthesized templates instead of synthesizing
  --against <commit>       turbo: also run the test command cold on fresh copies of the working tree and of
                           <commit>, alternating, 3 rounds each (smoke: 1), and report them side by side
  --keep-temp              keep the temporary folders (bundles, server logs, repository copies)
  -h, --help               show this help

Exit code: 0 when every part ran or was skipped with a reason, 1 when a part failed, 2 for bad arguments.
`;

const FLAGS = {
  ...cli.valueFlags("out", "service", "engine", "base-image", "cdk-out", "against"),
  ...cli.switchFlags("smoke", "keep-temp"),
  ...cli.HELP_FLAG,
} as const;

export type ParsedArgs = cli.Parsed<BenchOptions>;

export function parseCliArgs(argv: readonly string[], env: cli.Env, repoRoot: string): ParsedArgs {
  const { values, positionals } = cli.parseFlags(argv, FLAGS, { positionals: true });
  if (values.help) return { help: true };

  const unknown = positionals.filter((name) => !(PART_IDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new cli.UsageError(`unknown part ${unknown.map((n) => `"${n}"`).join(", ")}; parts: ${PART_IDS.join(", ")}`);
  }
  const named = new Set(positionals as PartId[]);
  const allParts = named.size === 0;
  const parts = PART_IDS.filter((id) => allParts || named.has(id));

  const smoke = values.smoke === true || env.BENCH_SMOKE === "1" || env.BENCH_SMOKE === "true";
  const service = values.service ?? "sample-service";
  if (!isKebabCase(service)) throw new cli.UsageError(`--service "${service}" is not a folder name under apps/`);

  const engine = engineChoice(values.engine, env);

  const againstRef = cli.flagValue(values.against, "--against");
  if (againstRef !== undefined && !parts.includes("turbo")) {
    throw new cli.UsageError("--against applies to the turbo part: name it too (pnpm bench turbo --against <commit>)");
  }

  const out = cli.flagValue(values.out, "--out");
  const outDir = out !== undefined ? path.resolve(out) : allParts && !smoke ? path.join(repoRoot, "docs") : null;

  return {
    help: false,
    options: {
      parts,
      smoke,
      outDir,
      service,
      engine,
      baseImage: cli.flagValue(values["base-image"], "--base-image") ?? cli.envValue(env, "NODE_IMAGE"),
      cdkOut: cli.flagValue(values["cdk-out"], "--cdk-out"),
      keepTemp: values["keep-temp"] === true,
      against: againstRef === undefined ? undefined : resolveCommit(againstRef, repoRoot),
    },
  };
}

/** The commit `ref` names in the repository at `root`, or a usage error saying it names none. */
function resolveCommit(ref: string, root: string): AgainstCommit {
  if (ref.startsWith("-")) throw new cli.UsageError(`--against "${ref}": a commit, not an option`);
  try {
    const commit = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return { ref, commit };
  } catch {
    throw new cli.UsageError(`--against "${ref}": names no commit of the repository at ${root}`);
  }
}
