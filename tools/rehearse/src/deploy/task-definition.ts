// taskdef.json (with imageDetail.json's image filled in, as CodeDeploy and ECS register it) as the run settings of one
// task: every field is honoured, stood in for with a stated difference, or refused; none is silently ignored.
import { PLATFORM_ENVIRONMENT } from "@repo/service-contract";

export interface TaskRunSettings {
  image: string;
  containerName: string;
  /** The port the target groups send traffic to (portMappings[0].containerPort). */
  containerPort: number;
  user: string | undefined;
  readOnlyRootFilesystem: boolean;
  /** environment, and a placeholder for each secret. */
  environment: Record<string, string>;
  stopTimeoutSeconds: number;
  /** How each field of the task definition is played, for the report. */
  fields: FieldPlay[];
}

export interface FieldPlay {
  field: string;
  value: string;
  how: string;
}

export class TaskDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskDefinitionError";
  }
}

/** What a secret's environment variable holds in the rehearsal (the task would read it from Secrets Manager or SSM). */
export const SECRET_PLACEHOLDER = "rehearsal-placeholder-secret";

/** ECS's stop timeout on Fargate when a container sets none (ECS API reference, ContainerDefinition.stopTimeout). */
const ECS_DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/** Task-level fields that do not change what runs here, and what the rehearsal says about them. */
const TASK_NOTES: Record<string, (value: unknown) => string> = {
  family: () => "the revision is played locally; nothing is registered",
  requiresCompatibilities: () => "runs on this machine, not on Fargate",
  networkMode: (value) =>
    value === "awsvpc"
      ? "deviates: no task ENI; every task shares this machine's network on a port of its own (see portMappings)"
      : "deviates: every task shares this machine's network on a port of its own",
  cpu: () => "not enforced: the tasks run without cgroup limits",
  memory: () => "not enforced: the tasks run without cgroup limits",
  executionRoleArn: () => "not assumed: the image comes from the loopback registry, secrets get placeholders",
  taskRoleArn: () => "not assumed: the task gets no AWS credentials",
};

/** Container fields that do not change what runs here. */
const CONTAINER_NOTES: Record<string, (value: unknown) => string> = {
  logConfiguration: () => "the output is printed here, each line prefixed with its task, instead of CloudWatch Logs",
  cpu: () => "not enforced: the tasks run without cgroup limits",
  memory: () => "not enforced: the tasks run without cgroup limits",
  memoryReservation: () => "not enforced: the tasks run without cgroup limits",
};

/** The fields `taskRunSettings` plays itself. */
const TASK_PLAYED = new Set(["containerDefinitions", "runtimePlatform"]);
const CONTAINER_PLAYED = new Set([
  "name",
  "image",
  "essential",
  "user",
  "readonlyRootFilesystem",
  "stopTimeout",
  "portMappings",
  "environment",
  "secrets",
]);

export function taskRunSettings(
  taskDefinition: Record<string, unknown>,
  target: { containerName: string; containerPort: number },
  host: { arch: string; platform: string } = { arch: process.arch, platform: process.platform },
): TaskRunSettings {
  const fields: FieldPlay[] = [];
  const problems: string[] = [];
  const play = (field: string, value: unknown, how: string) => fields.push({ field, value: shown(value), how });

  for (const [field, value] of Object.entries(taskDefinition)) {
    if (TASK_PLAYED.has(field) || isEmpty(value)) continue;
    const note = TASK_NOTES[field];
    if (note) play(field, value, note(value));
    else problems.push(`${field}: the rehearsal cannot honour it (${shown(value)})`);
  }
  const platform = taskDefinition.runtimePlatform as
    | { cpuArchitecture?: string; operatingSystemFamily?: string }
    | undefined;
  if (platform) {
    const arch = { X86_64: "x64", ARM64: "arm64" }[platform.cpuArchitecture ?? "X86_64"];
    if (arch !== host.arch || (platform.operatingSystemFamily ?? "LINUX") !== "LINUX" || host.platform !== "linux") {
      problems.push(`runtimePlatform ${shown(platform)}: this machine is ${host.platform}/${host.arch}`);
    } else play("runtimePlatform", platform, "matches this machine");
  }

  const containers = Array.isArray(taskDefinition.containerDefinitions) ? taskDefinition.containerDefinitions : [];
  if (containers.length !== 1) {
    throw new TaskDefinitionError(
      `taskdef.json: ${containers.length} containers; the rehearsal runs tasks of one container`,
    );
  }
  const container = containers[0] as Record<string, unknown>;
  const at = (field: string) => `containerDefinitions[0].${field}`;
  for (const [field, value] of Object.entries(container)) {
    if (CONTAINER_PLAYED.has(field) || isEmpty(value)) continue;
    const note = CONTAINER_NOTES[field];
    if (note) play(at(field), value, note(value));
    else problems.push(`${at(field)}: the rehearsal cannot honour it (${shown(value)})`);
  }

  if (container.name !== target.containerName) {
    problems.push(
      `${at("name")} is ${shown(container.name)}, but the load balancer targets container ${target.containerName}`,
    );
  }
  if (typeof container.image !== "string" || container.image === "") problems.push(`${at("image")}: missing`);
  if (container.essential === false) problems.push(`${at("essential")}: false, but it is the task's only container`);

  const mappings = Array.isArray(container.portMappings) ? (container.portMappings as Record<string, unknown>[]) : [];
  const mapping = mappings[0];
  if (mappings.length !== 1 || !mapping) {
    problems.push(`${at("portMappings")}: ${mappings.length} mappings; the rehearsal plays exactly one`);
  } else {
    if ((mapping.protocol ?? "tcp") !== "tcp")
      problems.push(`${at("portMappings[0].protocol")}: ${shown(mapping.protocol)}, not tcp`);
    if (mapping.hostPort !== undefined && mapping.hostPort !== mapping.containerPort) {
      problems.push(
        `${at("portMappings[0].hostPort")} ${shown(mapping.hostPort)} differs from containerPort (awsvpc forbids it)`,
      );
    }
    if (mapping.containerPort !== target.containerPort) {
      problems.push(
        `${at("portMappings[0].containerPort")} is ${shown(mapping.containerPort)}, but the load balancer targets port ${target.containerPort}`,
      );
    }
  }

  const environment: Record<string, string> = {};
  for (const entry of listOf(container.environment)) environment[String(entry.name)] = String(entry.value ?? "");
  const portVariable = environment[PLATFORM_ENVIRONMENT.port];
  if (portVariable !== undefined && portVariable !== String(target.containerPort)) {
    problems.push(
      `${at("environment")} ${PLATFORM_ENVIRONMENT.port}=${portVariable}: the service would listen there, but the load balancer targets port ${target.containerPort}`,
    );
  }
  const secrets = listOf(container.secrets);
  for (const secret of secrets) environment[String(secret.name)] = SECRET_PLACEHOLDER;

  if (problems.length > 0) {
    throw new TaskDefinitionError(
      `taskdef.json has what the rehearsal cannot run as ECS would:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }

  const user = typeof container.user === "string" && container.user !== "" ? container.user : undefined;
  const readOnlyRootFilesystem = container.readonlyRootFilesystem === true;
  const stopTimeoutSeconds =
    typeof container.stopTimeout === "number" ? container.stopTimeout : ECS_DEFAULT_STOP_TIMEOUT_SECONDS;
  play(at("image"), container.image, "pulled by its digest, as ECS does, unless the engine stores it already");
  play(at("user"), user ?? "(the image's USER)", user ? "the engine's --user" : "the image's USER");
  play(
    at("readonlyRootFilesystem"),
    readOnlyRootFilesystem,
    readOnlyRootFilesystem ? "the container's root is mounted read-only" : "the root file system is writable",
  );
  play(
    at("portMappings"),
    mapping,
    `the target port; each task listens on a free port of 127.0.0.1 instead (${PLATFORM_ENVIRONMENT.port} set to it)`,
  );
  play(
    at("environment"),
    `${Object.keys(environment).length - secrets.length} variables`,
    "the container's environment",
  );
  if (secrets.length > 0) {
    play(
      at("secrets"),
      secrets.map((secret) => secret.name).join(", "),
      `each set to the placeholder "${SECRET_PLACEHOLDER}"`,
    );
  }
  play(at("stopTimeout"), `${stopTimeoutSeconds} s`, "how long a task may take after SIGTERM before it is killed");

  return {
    image: container.image as string,
    containerName: target.containerName,
    containerPort: target.containerPort,
    user,
    readOnlyRootFilesystem,
    environment,
    stopTimeoutSeconds,
    fields,
  };
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
