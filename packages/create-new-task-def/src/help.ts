import { EXIT_CODES } from "./errors.ts";
import { HOOK_EVENTS, hookEnvName } from "./hooks.ts";

export function helpText(version: string): string {
  return `create-new-task-def ${version}
Writes the Build stage's deploy artifacts for a CodeDeploy ECS blue/green deployment:
taskdef.json (image set to <IMAGE1_NAME>), appspec.yaml and imageDetail.json ({"ImageURI": ...}).

Usage:
  create-new-task-def --family <family> --container <name> --image <uri> [options]   registered mode
  create-new-task-def --template taskdef.template.json --container <name> --image <uri> [options]

Registered mode (default) reads the family's newest revision with ecs:DescribeTaskDefinition (tags included),
drops the read-only members and keeps everything else. Template mode renders \${NAME} placeholders from the flags
and the environment instead (no AWS call). Both validate the result against the RegisterTaskDefinition model
shipped with the AWS SDK and the Fargate essentials before anything is written; the three files are written all
or none.

Options (each falls back to the environment variable shown; a flag wins over the variable):
  --family <family>       TASK_FAMILY       task definition family (registered mode; \${TASK_FAMILY} in templates)
  --container <name>      CONTAINER_NAME    container that runs the image and receives the load balancer's traffic
  --port <port>           CONTAINER_PORT    its container port (default: the container's only port mapping)
  --image <uri>           IMAGE_URI         the built image, repo:tag or repo@sha256:<digest>
  --digest <sha256:...>   IMAGE_DIGEST      pins a repo:tag image: imageDetail.json gets repo@sha256:...
  --template <path>       TASKDEF_TEMPLATE  template mode: render this file instead of reading ECS
  --out <dir>             ARTIFACTS_DIR     output folder (default: .), created if missing; must not be the
                                            folder of the appspec template
  --appspec <path>        APPSPEC_TEMPLATE  AppSpec template (default: appspec.yaml in the working directory)
  --hook <Event>=<fn>     ${hookEnvName("AfterAllowTestTraffic")} (and the other HOOK_* below)
                          Lambda function (name or ARN) for a lifecycle hook; repeatable. Events:
                          ${HOOK_EVENTS.map((event) => `${event} (${hookEnvName(event)})`).join(",\n                          ")}
  --json                  print the result as one JSON object instead of key=value lines
  -h, --help              show this help
  -v, --version           show the version

Template variables: the whole environment, plus TASK_FAMILY, CONTAINER_NAME, CONTAINER_PORT, IMAGE_URI and
IMAGE_TAG from the flags; AWS_REGION falls back to AWS_DEFAULT_REGION; SERVICE_VERSION falls back to the image tag.

AWS settings are the SDK's standard ones: AWS_REGION (or AWS_DEFAULT_REGION), the default credentials chain,
AWS_ENDPOINT_URL_ECS, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (standard retries, 3 attempts by default).

Output (stdout): mode=<registered|template>, taskdef=, appspec=, imageDetail= (absolute paths), imageUri=,
one per line (or one JSON object with --json). Progress and errors go to stderr.

Exit codes:
  ${EXIT_CODES.ok}  written
  ${EXIT_CODES.usage}  usage error: missing or invalid flag / environment variable, unreadable input file
  ${EXIT_CODES.validation}  validation error: template, task definition or AppSpec not acceptable (nothing written)
  ${EXIT_CODES.aws}  AWS error: region, credentials, permission, throttling, unknown family (nothing written)
  ${EXIT_CODES.output}  output error: the output folder or a file could not be written (folder left as it was)
  ${EXIT_CODES.unexpected}  unexpected internal error
`;
}
