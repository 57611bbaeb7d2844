import packageJson from "../package.json" with { type: "json" };
import { EcsDeployError, EXIT_CODES } from "./errors.ts";
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
  const say = (line: string) => io.stderr(`${new Date().toISOString()} ecs-deploy: ${line}\n`);
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
    const { deploy } = await import("./deploy.ts");
    const result = await deploy(invocation.options, { env: io.env, cwd: io.cwd, log: say });
    const summary = {
      outcome: result.outcome,
      serviceDeploymentArn: result.serviceDeploymentArn,
      taskDefinitionArn: result.taskDefinitionArn ?? "",
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
    if (error instanceof EcsDeployError) {
      say(`${describeKind(error)}: ${error.message}`);
      return error.exitCode;
    }
    say(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT_CODES.unexpected;
  }
}

function describeKind(error: EcsDeployError): string {
  const words = { deploymentFailed: "deployment failed", timedOut: "timed out" } as Record<string, string>;
  return words[error.kind] ?? `${error.kind} error`;
}
