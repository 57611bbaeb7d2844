import { type CliIo, runResultCli } from "@repo/devkit/cli";
import packageJson from "../package.json" with { type: "json" };
import { helpText } from "./help.ts";
import { type DeployOptions, parseCommandLine } from "./options.ts";

export const VERSION: string = packageJson.version;

export type MainIo = CliIo;

const KIND_LABELS: Readonly<Record<string, string>> = { deploymentFailed: "deployment failed", timedOut: "timed out" };

/** The whole command line program; returns the exit code instead of exiting, so it can be tested in-process. */
export function main(argv: readonly string[], io: MainIo): Promise<number> {
  return runResultCli<DeployOptions>(
    {
      version: VERSION,
      help: helpText,
      parse: parseCommandLine,
      say: (cliIo, line) => cliIo.stderr(`${new Date().toISOString()} ecs-deploy: ${line}\n`),
      kindLabel: (kind) => KIND_LABELS[kind] ?? `${kind} error`,
      async run(options, cliIo, say) {
        // Loaded only when there is work to do, so --help and --version start fast.
        const { deploy } = await import("./deploy.ts");
        const result = await deploy(options, { env: cliIo.env, cwd: cliIo.cwd, log: say });
        return {
          outcome: result.outcome,
          serviceDeploymentArn: result.serviceDeploymentArn,
          taskDefinitionArn: result.taskDefinitionArn ?? "",
          imageUri: result.imageUri,
        };
      },
    },
    argv,
    io,
  );
}
