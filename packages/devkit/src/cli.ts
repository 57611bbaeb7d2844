// The one way the repository's command-line programs read their arguments, report usage errors (exit code 2) and
// answer --help. Dependency-free: the Build stage's bundled CLIs import it too.
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";

export type Env = Readonly<Record<string, string | undefined>>;

/** What a CLI's main talks to; a test passes its own. */
export interface CliIo {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The exit codes every CLI here means the same by. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** A failure of a known kind: reported in one line, without a stack, with its kind's exit code. */
export class CliFailure<Kind extends string = string> extends Error {
  constructor(
    readonly kind: Kind,
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong or missing arguments or settings. */
export class UsageError extends CliFailure<"usage"> {
  constructor(message: string, options?: ErrorOptions) {
    super("usage", message, EXIT.usage, options);
  }
}

export function isUsageError(error: unknown): error is CliFailure {
  return error instanceof CliFailure && error.kind === "usage";
}

/**
 * The subclass of a CLI's own failure class for one of its kinds, so each kind is a class of its own without a
 * constructor to repeat: `class UsageError extends failureOfKind(CreateTaskDefError, "usage") {}`.
 */
export function failureOfKind<Kinds extends string, Failure extends CliFailure<Kinds>>(
  Base: abstract new (kind: Kinds, message: string, options?: ErrorOptions) => Failure,
  kind: NoInfer<Kinds>,
): new (
  message: string,
  options?: ErrorOptions,
) => Failure {
  const Concrete = Base as unknown as new (kind: Kinds, message: string, options?: ErrorOptions) => CliFailure<Kinds>;
  return class extends Concrete {
    constructor(message: string, options?: ErrorOptions) {
      super(kind, message, options);
    }
  } as unknown as new (
    message: string,
    options?: ErrorOptions,
  ) => Failure;
}

export const HELP_FLAG = { help: { type: "boolean", short: "h" } } as const;

/** Flags that take a value, e.g. `--cluster <name>`: a parseArgs option for each name. */
export function valueFlags<const Names extends readonly string[]>(...names: Names) {
  return Object.fromEntries(names.map((name) => [name, { type: "string" }])) as {
    [Name in Names[number]]: { type: "string" };
  };
}

/** Flags that are on when given, e.g. `--json`. */
export function switchFlags<const Names extends readonly string[]>(...names: Names) {
  return Object.fromEntries(names.map((name) => [name, { type: "boolean" }])) as {
    [Name in Names[number]]: { type: "boolean" };
  };
}

export interface FlagsConfig {
  /** Arguments that are not flags are allowed (default: not). */
  positionals?: boolean;
  /** The error a parse problem becomes (default: UsageError with node's message). */
  usageError?: (message: string, cause: unknown) => Error;
}

/** Strict flag parsing (node:util parseArgs): an unknown flag or a missing value is a usage error. */
export function parseFlags<const Options extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: Options,
  config: FlagsConfig = {},
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: config.positionals ?? false });
  } catch (error) {
    const message = (error as Error).message;
    throw config.usageError ? config.usageError(message, error) : new UsageError(message, { cause: error });
  }
}

/**
 * A setting read from its flag, else from its environment variable (CodeBuild passes settings as variables):
 * trimmed, and an empty value counts as unset.
 */
export function settingsReader<Flag extends string>(
  values: Partial<Record<Flag, unknown>>,
  env: Env,
  fallbacks: Readonly<Record<Flag, string>>,
): (flag: Flag) => string | undefined {
  return (flag) => {
    const fromFlag = values[flag];
    const text = (typeof fromFlag === "string" ? fromFlag.trim() : "") || env[fallbacks[flag]]?.trim();
    return text ? text : undefined;
  };
}

/** A flag's value, trimmed; an empty one is a mistake worth naming (`--tag ""`). */
export function flagValue(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`${flag}: empty value`);
  return value.trim();
}

/** An environment variable's value, trimmed; an empty one counts as unset. */
export function envValue(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

/** Runs a CLI's main with this process's arguments and streams; its result becomes the exit code. */
export async function start(main: (argv: readonly string[], io: CliIo) => Promise<number>): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processIo());
}

export type Parsed<Options> = { help: true } | { help: false; options: Options };

/** A tool a person runs (`pnpm rehearse`, `pnpm test:container`, `pnpm bench`). */
export interface Tool<Options> {
  /** How every message starts: "rehearse: ...". */
  name: string;
  help: string;
  /** The command line as options, or a request for help; throws UsageError for what is wrong with it. */
  parse(argv: readonly string[], env: Env): Parsed<Options>;
  /** Does the work and returns the exit code; a UsageError it throws is reported and exits 2. */
  run(options: Options, io: CliIo): Promise<number>;
}

/**
 * --help prints the help and exits 0; a bad command line prints the problem and a pointer to --help, and exits 2,
 * before any work starts.
 */
export async function runTool<Options>(tool: Tool<Options>, argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Parsed<Options>;
  try {
    parsed = tool.parse(argv, io.env);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`${tool.name}: ${error.message}\nRun with --help for usage.\n`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.stdout(tool.help);
    return EXIT.ok;
  }
  try {
    return await tool.run(parsed.options, io);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`${tool.name}: ${error.message}\n`);
    return EXIT.usage;
  }
}

/** Progress lines on stderr with the seconds since `started`: `==> [12.3 s] message`. */
export function progressLog(io: Pick<CliIo, "stderr">, started = performance.now()): (message: string) => void {
  return (message) => io.stderr(`==> [${((performance.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

/**
 * Runs `action` on the first SIGINT or SIGTERM (Ctrl-C, a CI timeout), once: the same signal a second time gets
 * Node's default (the process ends at once).
 */
export function onInterrupt(action: (signal: NodeJS.Signals) => void): void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    action(signal);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}

// ---- programs that print one result record (the Build and Deploy stages' CLIs) ----

export const RESULT_FLAGS = {
  json: { type: "boolean" },
  ...HELP_FLAG,
  version: { type: "boolean", short: "v" },
} as const;

export type Invocation<Options> =
  | { action: "help" }
  | { action: "version" }
  | { action: "run"; options: Options; json: boolean };

/** A result CLI's command line: its own flags (RESULT_FLAGS come with them), their variables, its usage error. */
export interface ResultCommandLine<Fallback extends string> {
  flags: ParseArgsOptionsConfig;
  /** Flag -> the environment variable read when the flag is absent. */
  fallbacks: Readonly<Record<Fallback, string>>;
  UsageError: new (message: string, options?: ErrorOptions) => Error;
}

/** Every long flag of the command line. */
export function resultFlagNames(commandLine: Pick<ResultCommandLine<string>, "flags">): string[] {
  return Object.keys({ ...commandLine.flags, ...RESULT_FLAGS });
}

/**
 * Reads the command line, each flag falling back to its environment variable: --help and --version end it;
 * otherwise `options` builds the run's options from the settings. A parse problem points at --help.
 */
export function readInvocation<Fallback extends string, Options>(
  argv: readonly string[],
  env: Env,
  commandLine: ResultCommandLine<Fallback>,
  options: (setting: (flag: Fallback) => string | undefined, values: Record<string, unknown>) => Options,
): Invocation<Options> {
  const parsed = parseFlags(
    argv,
    { ...commandLine.flags, ...RESULT_FLAGS },
    {
      usageError: (message, cause) => new commandLine.UsageError(`${message} (see --help)`, { cause }),
    },
  );
  const values = parsed.values as Record<string, unknown>;
  if (values.help) return { action: "help" };
  if (values.version) return { action: "version" };
  const setting = settingsReader(values as Partial<Record<Fallback, unknown>>, env, commandLine.fallbacks);
  return { action: "run", options: options(setting, values), json: values.json === true };
}

/** A result CLI: its invocation, its work, and how it says things on stderr. */
export interface ResultCli<Options> {
  version: string;
  help: (version: string) => string;
  parse: (argv: readonly string[], env: Env) => Invocation<Options>;
  /** The work; returns the result record printed on stdout. */
  run: (options: Options, io: CliIo, say: (line: string) => void) => Promise<Record<string, string>>;
  /** One line on stderr, with the CLI's own prefix. */
  say: (io: CliIo, line: string) => void;
  /** How a failure's kind reads in its message (default: "<kind> error"). */
  kindLabel?: (kind: string) => string;
}

/**
 * The whole of a result CLI: help, version, the result as `key=value` lines (or one JSON object with --json), a
 * known failure as one line with its kind's exit code, anything else as "unexpected error" with its stack (exit 1).
 * Returns the exit code instead of exiting, so it can be tested in-process.
 */
export async function runResultCli<Options>(
  cli: ResultCli<Options>,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const say = (line: string) => cli.say(io, line);
  try {
    const invocation = cli.parse(argv, io.env);
    if (invocation.action === "help") {
      io.stdout(cli.help(cli.version));
      return EXIT.ok;
    }
    if (invocation.action === "version") {
      io.stdout(`${cli.version}\n`);
      return EXIT.ok;
    }
    const result = await cli.run(invocation.options, io, say);
    io.stdout(resultText(result, invocation.json));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliFailure) {
      say(`${(cli.kindLabel ?? defaultKindLabel)(error.kind)}: ${error.message}`);
      return error.exitCode;
    }
    say(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.failure;
  }
}

function defaultKindLabel(kind: string): string {
  return `${kind} error`;
}

/** `key=value` lines a shell can read with sed, or one JSON object. */
export function resultText(result: Readonly<Record<string, string>>, json: boolean): string {
  if (json) return `${JSON.stringify(result)}\n`;
  return `${Object.entries(result)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")}\n`;
}
