import packageJson from "../package.json" with { type: "json" };
import { CreateTaskDefError, EXIT_CODES } from "./errors.ts";
import { helpText } from "./help.ts";
import { type Env, parseCommandLine } from "./options.ts";

export const VERSION: string = packageJson.version;

export interface MainIo {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The whole command line program; returns the exit code instead of exiting, so it can be tested in-process. */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  try {
    const invocation = parseCommandLine(argv, io.env);
    if (invocation.action === "help") {
      io.stdout(helpText(VERSION));
      return EXIT_CODES.ok;
    }
    if (invocation.action === "version") {
      io.stdout(`${VERSION}\n`);
      return EXIT_CODES.ok;
    }
    // Loaded only when there is work to do, so --help and --version start fast.
    const { createNewTaskDef } = await import("./create.ts");
    const result = await createNewTaskDef(invocation.options, {
      env: io.env,
      cwd: io.cwd,
      log: (line) => io.stderr(`create-new-task-def: ${line}\n`),
    });
    const summary = {
      mode: result.mode,
      taskdef: result.files.taskdef,
      appspec: result.files.appspec,
      imageDetail: result.files.imageDetail,
      imageUri: result.imageUri,
    };
    io.stdout(
      invocation.json
        ? `${JSON.stringify(summary)}\n`
        : `${Object.entries(summary)
            .map(([key, value]) => `${key}=${value}`)
            .join("\n")}\n`,
    );
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CreateTaskDefError) {
      io.stderr(`create-new-task-def: ${error.kind} error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`create-new-task-def: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_CODES.unexpected;
  }
}
