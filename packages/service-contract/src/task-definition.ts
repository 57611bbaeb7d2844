// The task definition CDK registers for a service, as the RegisterTaskDefinition document ECS reads. infra builds its
// task definition from the same values (a test compares the synthesized one with this document), and
// taskdef.template.json is this document with placeholders, generated (a test fails when the committed file differs).
import { CONTAINER_USER, containerEnvironment } from "./container.ts";
import type { ServiceManifest } from "./manifest/schema.ts";
import { TASKDEF_IMAGE_PLACEHOLDER } from "./placeholders.ts";

/** Fixed settings of every service's container: essential, unprivileged, read-only root file system. */
export const CONTAINER_SETTINGS = { essential: true, user: CONTAINER_USER, readonlyRootFilesystem: true } as const;

/** Fargate, awsvpc, Linux on x86_64 (the image is built for linux/amd64). */
export const TASK_PLATFORM = {
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" },
} as const;

export interface KeyValuePair {
  name: string;
  value: string;
}
export interface SecretReference {
  name: string;
  valueFrom: string;
}

/** What varies between services and accounts. A string in a list or number field is a whole-value placeholder. */
export interface TaskDefinitionValues {
  family: string;
  cpu: string;
  memory: string;
  /** The container's hard memory limit: the task's memory, as the number the container definition takes. */
  containerMemory: number | string;
  executionRoleArn: string;
  taskRoleArn: string;
  containerName: string;
  image: string;
  containerPort: number | string;
  stopTimeout: number | string;
  environment: readonly KeyValuePair[] | string;
  secrets: readonly SecretReference[] | string;
  logGroup: string;
  region: string;
}

/** The RegisterTaskDefinition document for `values`. */
export function taskDefinitionDocument(values: TaskDefinitionValues): Record<string, unknown> {
  return {
    family: values.family,
    ...TASK_PLATFORM,
    cpu: values.cpu,
    memory: values.memory,
    executionRoleArn: values.executionRoleArn,
    taskRoleArn: values.taskRoleArn,
    containerDefinitions: [
      {
        name: values.containerName,
        image: values.image,
        ...CONTAINER_SETTINGS,
        memory: values.containerMemory,
        stopTimeout: values.stopTimeout,
        portMappings: [{ containerPort: values.containerPort, protocol: "tcp" }],
        environment: values.environment,
        secrets: values.secrets,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": values.logGroup,
            "awslogs-region": values.region,
            "awslogs-stream-prefix": values.containerName,
          },
        },
      },
    ],
  };
}

/** What an account gives a service's task definition: its family, roles, log group and region. */
export interface TaskDefinitionRefs {
  family: string;
  containerName: string;
  executionRoleArn: string;
  taskRoleArn: string;
  logGroup: string;
  region: string;
}

/** The values for one service, from its manifest. The image is the Build stage's placeholder. */
export function taskDefinitionValues(manifest: ServiceManifest, refs: TaskDefinitionRefs): TaskDefinitionValues {
  return {
    ...refs,
    cpu: String(manifest.cpu),
    memory: String(manifest.memory),
    containerMemory: manifest.memory,
    image: TASKDEF_IMAGE_PLACEHOLDER,
    containerPort: manifest.port,
    stopTimeout: manifest.stopTimeoutSeconds,
    environment: Object.entries(containerEnvironment(manifest)).map(([name, value]) => ({ name, value })),
    secrets: Object.entries(manifest.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
  };
}

/** The `${NAME}` variables of taskdef.template.json, by the value each stands for. */
export const TEMPLATE_VARIABLES = {
  family: "TASK_FAMILY",
  cpu: "CPU",
  memory: "MEMORY",
  // The same variable: the only container may use all of the task's memory (a hard limit, CT.ECS.PR.7).
  containerMemory: "MEMORY",
  executionRoleArn: "EXECUTION_ROLE_ARN",
  taskRoleArn: "TASK_ROLE_ARN",
  containerName: "CONTAINER_NAME",
  containerPort: "CONTAINER_PORT",
  stopTimeout: "STOP_TIMEOUT",
  environment: "CONTAINER_ENVIRONMENT",
  secrets: "CONTAINER_SECRETS",
  logGroup: "LOG_GROUP",
  region: "AWS_REGION",
} as const satisfies Record<Exclude<keyof TaskDefinitionValues, "image">, string>;

type TemplateKey = keyof typeof TEMPLATE_VARIABLES;

/** taskdef.template.json's content: the document with a placeholder for every value. */
export function taskDefinitionTemplate(): Record<string, unknown> {
  const values = Object.fromEntries(
    Object.entries(TEMPLATE_VARIABLES).map(([key, name]) => [key, `\${${name}}`]),
  ) as Record<TemplateKey, string>;
  return taskDefinitionDocument({ ...values, image: TASKDEF_IMAGE_PLACEHOLDER });
}

export function taskDefinitionTemplateText(): string {
  return `${JSON.stringify(taskDefinitionTemplate(), null, 2)}\n`;
}

/** The template's variables for one service (lists as JSON), what create-new-task-def's template mode fills in. */
export function taskDefinitionTemplateVariables(
  manifest: ServiceManifest,
  refs: TaskDefinitionRefs,
): Record<string, string> {
  const values = taskDefinitionValues(manifest, refs);
  return Object.fromEntries(
    (Object.entries(TEMPLATE_VARIABLES) as [TemplateKey, string][]).map(([key, name]) => {
      const value = values[key];
      return [name, typeof value === "string" ? value : JSON.stringify(value)];
    }),
  );
}
