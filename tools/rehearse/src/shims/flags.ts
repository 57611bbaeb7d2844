import { ShimRefusal } from "./refusal.ts";

export interface FlagSpec {
  /** Long name without dashes, e.g. "file". */
  name: string;
  /** One-letter alias without its dash, e.g. "f". */
  short?: string;
  /** "value": takes a value (`--f v` or `--f=v`); "bool": no value, `--f=true|false` allowed; "optional": a value
   *  only when written with `=` (buildx's `--provenance`). */
  kind: "value" | "bool" | "optional";
}

export interface ParsedFlags {
  /** Every value per flag name, in order (bool flags: "true"/"false"). */
  values: Map<string, string[]>;
  positionals: string[];
}

/**
 * Parses arguments the way the Docker CLI (cobra/pflag) does for the flags given; any other flag is refused with
 * `refuse(flag)`, so an option the rehearsal does not know never goes unnoticed.
 */
export function parseFlags(
  args: readonly string[],
  specs: readonly FlagSpec[],
  refuse: (flag: string) => ShimRefusal,
): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const isLong = arg.startsWith("--");
    const equals = arg.indexOf("=");
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const spec = specs.find((candidate) =>
      isLong ? written === `--${candidate.name}` : candidate.short !== undefined && written === `-${candidate.short}`,
    );
    if (!spec) throw refuse(written);
    if (spec.kind === "bool") {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new ShimRefusal(`rehearse: ${written} takes true or false, not "${inline}"`);
      }
      add(spec.name, inline ?? "true");
    } else if (spec.kind === "optional") {
      add(spec.name, inline ?? "");
    } else if (inline !== undefined) {
      add(spec.name, inline);
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new ShimRefusal(`rehearse: ${written} needs a value`);
      add(spec.name, next);
      i++;
    }
  }
  return { values, positionals };
}

export function lastValue(flags: ParsedFlags, name: string): string | undefined {
  return flags.values.get(name)?.at(-1);
}
