import { IMAGE_PLACEHOLDER, OUTPUT_FILES } from "@repo/create-new-task-def";
import { EXIT_CODES } from "./errors.ts";
import { DEFAULTS, ENV_FALLBACKS, ON_TIMEOUT } from "./options.ts";

export function helpText(version: string): string {
  const width = Math.max(...Object.values(ENV_FALLBACKS).map((name) => name.length)) + 2;
  const env = Object.fromEntries(
    Object.entries(ENV_FALLBACKS).map(([flag, name]) => [flag, name.padEnd(width)]),
  ) as Record<keyof typeof ENV_FALLBACKS, string>;
  return `ecs-deploy ${version}
Deploys the Build stage's ${OUTPUT_FILES.taskdef} and ${OUTPUT_FILES.imageDetail} to an ECS service whose deployment
controller is ECS (strategy BLUE_GREEN, LINEAR, CANARY or ROLLING) and follows the service deployment ECS runs:
RegisterTaskDefinition (the container's ${IMAGE_PLACEHOLDER} replaced by imageDetail.json's ImageURI), UpdateService,
then DescribeServiceDeployments until SUCCESSFUL, a rollback or stop, or the timeout.

Usage:
  ecs-deploy --cluster <cluster> --service <service> --container <name> [--artifacts <dir>] [options]

Options (each falls back to the environment variable shown; a flag wins over the variable):
  --cluster <name|arn>       ${env.cluster}the service's cluster
  --service <name|arn>       ${env.service}the service to deploy
  --container <name>         ${env.container}the container whose ${IMAGE_PLACEHOLDER} gets the image
  --artifacts <dir>          ${env.artifacts}folder with ${OUTPUT_FILES.taskdef} and ${OUTPUT_FILES.imageDetail} (default: ${DEFAULTS.artifacts})
  --timeout <minutes>        ${env.timeout}how long to follow the deployment (default: ${DEFAULTS.timeoutMinutes})
  --poll-interval <seconds>  ${env["poll-interval"]}time between two reads of the deployment (default: ${DEFAULTS.pollIntervalSeconds})
  --on-timeout <what>        ${env["on-timeout"]}${ON_TIMEOUT.join(" | ")}: at the timeout, roll our deployment back
                             ${"".padEnd(width)}(StopServiceDeployment ROLLBACK) or leave it running (default: ${DEFAULTS.onTimeout})
  --json                     print the result as one JSON object instead of key=value lines
  -h, --help                 show this help
  -v, --version              show the version

A re-run never starts a second deployment of the same image: when the service's current deployment runs it and is
still in progress, that deployment is followed; when it succeeded already, nothing is done. A deployment of another
image in progress is waited for (within the timeout) before this one starts.

AWS settings are the SDK's standard ones: AWS_REGION (or AWS_DEFAULT_REGION), the default credentials chain,
AWS_ENDPOINT_URL_ECS, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE. A read that still fails after the SDK's retries (throttling,
5xx) is asked again with a doubling back-off before the step gives up.

Output (stdout): outcome=<deployed|adopted|already-deployed>, serviceDeploymentArn=, taskDefinitionArn=, imageUri=
(or one JSON object with --json). Progress, with timestamps, and errors go to stderr.

Exit codes:
  ${EXIT_CODES.ok}  the service deployment is SUCCESSFUL
  ${EXIT_CODES.usage}  usage error: missing or invalid flag / environment variable, unreadable artifact
  ${EXIT_CODES.validation}  validation error: artifacts or service not deployable, timeout shorter than the configured shifts
     and bake time (nothing changed in ECS)
  ${EXIT_CODES.aws}  AWS error: region, credentials, permission, persistent throttling, unknown service
  ${EXIT_CODES.deploymentFailed}  ECS ended the deployment without success: rolled back (alarm, circuit breaker, lifecycle hook) or stopped
  ${EXIT_CODES.timedOut}  the timeout came first (the message says the state, and whether a rollback was requested)
  ${EXIT_CODES.unexpected}  unexpected internal error
`;
}
