import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { RecentLines, runCommand } from "@repo/devkit/process";
import { type Buildspec, commandTitle, PHASE_NAMES, type PhaseName } from "./buildspec.ts";
import { formatExports, shellQuote } from "./shell-env.ts";

/**
 * Runs ONE buildspec command the way CodeBuild runs buildspec 0.2 commands: in a shell of its own (so a command's
 * `set -e` or `exit` ends that command only), started from the exported variables and working directory the
 * previous command left behind, which it leaves in turn for the next one. POSIX sh, so `env.shell: sh` works too.
 * It uses shell builtins only: a command that breaks PATH cannot break the hand-over.
 */
export const COMMAND_WRAPPER = `# Written by pnpm rehearse (tools/rehearse/src/build-runner.ts); usage: <shell> run-command.sh STATE_DIR COMMAND_FILE
__rehearse_state="$1"
__rehearse_command="$2"
set --
. "$__rehearse_state/env.sh" || exit 1
read -r __rehearse_cwd <"$__rehearse_state/cwd" || exit 1
cd "$__rehearse_cwd" || exit 1
__rehearse_save() {
  __rehearse_status=$?
  export -p >"$__rehearse_state/env.sh"
  pwd >"$__rehearse_state/cwd"
  exit "$__rehearse_status"
}
trap __rehearse_save EXIT
. "$__rehearse_command"
`;

export type BuildEvent =
  | { type: "phase-start"; phase: PhaseName; succeeding: boolean }
  | { type: "command-start"; phase: PhaseName; index: number; count: number; title: string }
  | { type: "output"; phase: PhaseName; line: string }
  | { type: "command-end"; phase: PhaseName; index: number; exitCode: number | null; durationMs: number }
  | { type: "phase-end"; phase: PhaseName; outcome: PhaseOutcome };

export interface PhaseOutcome {
  phase: PhaseName;
  status: "succeeded" | "failed";
  durationMs: number;
  commandsRun: number;
}

export interface CommandFailure {
  phase: PhaseName;
  /** 1-based position of the command in its phase. */
  index: number;
  title: string;
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The command's last output lines. */
  recentOutput: string[];
}

export interface BuildOutcome {
  succeeded: boolean;
  /** The phases that ran, in order. */
  phases: PhaseOutcome[];
  /** Each failed command; the first one is what failed the build. */
  failures: CommandFailure[];
  /** The exported variables after the last command (what env.exported-variables hands to CodePipeline). */
  environment: Record<string, string>;
}

export interface BuildRunOptions {
  buildspec: Buildspec;
  /** CODEBUILD_SRC_DIR: where the first command starts. */
  sourceDir: string;
  /** Scratch folder for the hand-over files (created if missing). */
  stateDir: string;
  /** The build image's environment: the lowest precedence, below the buildspec's env.variables. */
  imageEnvironment: Readonly<Record<string, string>>;
  /** The CodeBuild project's environment variables: they override env.variables, as in CodeBuild. */
  projectEnvironment: Readonly<Record<string, string>>;
  onEvent?: (event: BuildEvent) => void;
  /** Aborting kills the running command's process group and rejects. */
  signal?: AbortSignal;
}

const RECENT_LINES = 20;
/** After an abort, how long the command's process group gets to stop before it is killed. */
const ABORT_GRACE_MS = 20_000;

/**
 * Runs the buildspec's phases in CodeBuild's order and with its failure rules: a phase stops at its first failing
 * command; an install or pre_build failure ends the build; a build failure still runs post_build, with
 * CODEBUILD_BUILD_SUCCEEDING=0 (1 otherwise).
 */
export async function runBuildspec(options: BuildRunOptions): Promise<BuildOutcome> {
  const { buildspec, stateDir } = options;
  const shell = findExecutable(buildspec.shell, options.imageEnvironment.PATH ?? "");
  const commandsDir = path.join(stateDir, "commands");
  await mkdir(commandsDir, { recursive: true });
  const wrapper = path.join(stateDir, "run-command.sh");
  await writeFile(wrapper, COMMAND_WRAPPER);
  const envFile = path.join(stateDir, "env.sh");
  await writeFile(
    envFile,
    formatExports({
      ...options.imageEnvironment,
      ...buildspec.variables,
      ...options.projectEnvironment,
      CODEBUILD_BUILD_SUCCEEDING: "1",
    }),
  );
  await writeFile(path.join(stateDir, "cwd"), `${options.sourceDir}\n`);

  const phases: PhaseOutcome[] = [];
  const failures: CommandFailure[] = [];
  for (const phase of PHASE_NAMES) {
    const spec = buildspec.phases[phase];
    if (!spec) continue;
    const buildFailed = failures.length > 0;
    if (buildFailed && phase !== "post_build") break;
    if (buildFailed) await appendFile(envFile, `export CODEBUILD_BUILD_SUCCEEDING=${shellQuote("0")}\n`);
    options.onEvent?.({ type: "phase-start", phase, succeeding: !buildFailed });

    const started = performance.now();
    let commandsRun = 0;
    let status: PhaseOutcome["status"] = "succeeded";
    for (const [position, command] of spec.commands.entries()) {
      const index = position + 1;
      const title = commandTitle(command);
      options.onEvent?.({ type: "command-start", phase, index, count: spec.commands.length, title });
      const commandFile = path.join(commandsDir, `${phase}-${index}.sh`);
      await writeFile(commandFile, `${command}\n`);
      const commandStarted = performance.now();
      const result = await runOne(shell, [wrapper, stateDir, commandFile], options.sourceDir, options.signal, (line) =>
        options.onEvent?.({ type: "output", phase, line }),
      );
      commandsRun++;
      options.onEvent?.({
        type: "command-end",
        phase,
        index,
        exitCode: result.exitCode,
        durationMs: performance.now() - commandStarted,
      });
      if (result.exitCode !== 0) {
        status = "failed";
        failures.push({ phase, index, title, command, ...result });
        break;
      }
    }
    const outcome: PhaseOutcome = { phase, status, durationMs: performance.now() - started, commandsRun };
    phases.push(outcome);
    options.onEvent?.({ type: "phase-end", phase, outcome });
  }

  return {
    succeeded: failures.length === 0,
    phases,
    failures,
    environment: await readExportedEnvironment(shell, envFile),
  };
}

interface OneResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  recentOutput: string[];
}

async function runOne(
  shell: string,
  args: string[],
  cwd: string,
  signal: AbortSignal | undefined,
  onLine: (line: string) => void,
): Promise<OneResult> {
  const recent = new RecentLines(RECENT_LINES);
  // An empty environment: everything the command sees comes from the hand-over file. Its own process group, so
  // an interrupt stops the command and whatever it started (the engine, a registry push), and nothing else; after
  // the grace period (the engine removes its working containers), it is killed.
  const result = await runCommand(shell, args, {
    cwd,
    env: {},
    group: true,
    ...(signal ? { signal } : {}),
    killAfterMs: ABORT_GRACE_MS,
    onLine: (line) => {
      recent.add(line);
      onLine(line);
    },
  });
  if (signal?.aborted) throw signal.reason;
  return { exitCode: result.exitCode, signal: result.signal, recentOutput: recent.list() };
}

/** The exported variables the last command left: the hand-over file sourced by the build's shell, read by node. */
async function readExportedEnvironment(shell: string, envFile: string): Promise<Record<string, string>> {
  const script = `. "$1" >/dev/null 2>&1; exec "$2" -e 'process.stdout.write(JSON.stringify(process.env))'`;
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ["-c", script, "read-env", envFile, process.execPath], {
      env: {},
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`could not read the build's final environment (exit code ${code})`));
      else resolve(JSON.parse(stdout) as Record<string, string>);
    });
  });
}

/** The absolute path of `name` on `searchPath` (the build's shell must be found without the shims' help). */
export function findExecutable(name: string, searchPath: string): string {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error(`\`${name}\` (buildspec env.shell) is not installed: not found on PATH`);
}
