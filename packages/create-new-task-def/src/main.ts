import { type CliIo, runResultCli } from "@repo/devkit/cli";
import packageJson from "../package.json" with { type: "json" };
import { helpText } from "./help.ts";
import { type CreateTaskDefOptions, parseCommandLine } from "./options.ts";

export const VERSION: string = packageJson.version;

export type MainIo = CliIo;

/** The whole command line program; returns the exit code instead of exiting, so it can be tested in-process. */
export function main(argv: readonly string[], io: MainIo): Promise<number> {
  return runResultCli<CreateTaskDefOptions>(
    {
      version: VERSION,
      help: helpText,
      parse: parseCommandLine,
      say: (cliIo, line) => cliIo.stderr(`create-new-task-def: ${line}\n`),
      async run(options, cliIo, say) {
        // Loaded only when there is work to do, so --help and --version start fast.
        const { createNewTaskDef } = await import("./create.ts");
        const result = await createNewTaskDef(options, { env: cliIo.env, cwd: cliIo.cwd, log: say });
        return {
          mode: result.mode,
          taskdef: result.files.taskdef,
          appspec: result.files.appspec,
          imageDetail: result.files.imageDetail,
          imageUri: result.imageUri,
        };
      },
    },
    argv,
    io,
  );
}
