import { notEmulated, ShimRefusal } from "./refusal.ts";

/**
 * What the rehearsal does with an `npm` command line: a global install of pnpm is checked against the pnpm on
 * PATH instead of run (a rehearsal never changes the developer's global packages); any other global change is
 * refused; everything else goes to the real npm.
 */
export type NpmPlan = { kind: "check-pnpm"; version: string } | { kind: "real-npm" };

const INSTALL_COMMANDS = new Set([
  "install",
  "i",
  "in",
  "ins",
  "inst",
  "insta",
  "instal",
  "isnt",
  "isnta",
  "isntal",
  "isntall",
  "add",
]);

export function planNpm(args: readonly string[]): NpmPlan {
  let global = false;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-g" || arg === "--global" || arg === "--global=true" || arg === "--location=global") {
      global = true;
    } else if (arg === "--location") {
      if (args[i + 1] === "global") global = true;
      i++;
    } else if (!arg.startsWith("-")) {
      positionals.push(arg);
    }
  }
  if (!global) return { kind: "real-npm" };

  const [command, ...packages] = positionals;
  if (command === undefined || !INSTALL_COMMANDS.has(command)) {
    throw notEmulated("npm", args, "it would change this machine's global packages");
  }
  const pnpm = packages.length === 1 ? /^pnpm@(.+)$/.exec(packages[0] as string) : null;
  if (!pnpm?.[1]) {
    throw notEmulated("npm", args, "it would install global packages other than pnpm on this machine");
  }
  // packageManager may carry a hash ("pnpm@10.34.9+sha512.…"): the version is what precedes it.
  const version = pnpm[1].split("+")[0] as string;
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new ShimRefusal(
      `rehearse: npm install --global pnpm@${pnpm[1]}: the rehearsal compares an exact version with the pnpm on PATH; ` +
        "pin one (package.json packageManager)",
    );
  }
  return { kind: "check-pnpm", version };
}

/** The outcome of comparing the requested pnpm with the one on PATH (undefined: no pnpm found). */
export function pnpmCheck(wanted: string, found: string | undefined): { ok: boolean; message: string } {
  if (found === wanted) {
    return {
      ok: true,
      message: `rehearse: pnpm ${wanted} is already on PATH; skipping \`npm install --global pnpm@${wanted}\` (a rehearsal never changes global packages)`,
    };
  }
  return {
    ok: false,
    message: `rehearse: the Build stage installs pnpm@${wanted}, but ${found === undefined ? "no pnpm is on PATH" : `the pnpm on PATH is ${found}`}: install pnpm@${wanted} first (npm install --global pnpm@${wanted})`,
  };
}
