import { formatIssues, type Issue, ValidationError } from "./errors.ts";
import { IMAGE_PLACEHOLDER, isPrivateEcrImage } from "./image.ts";
import { checkRegisterInput, isAwsReservedTagKey, isPlainObject } from "./register-schema.ts";

export interface ValidationTarget {
  /** Where the task definition came from, named in every message (a file, or the family read from ECS). */
  source: string;
  container: string;
  /** The load balancer's container port; undefined: the container's only port mapping. */
  port: number | undefined;
  /** The image the deployment will run (what CodeDeploy puts in place of <IMAGE1_NAME>). */
  imageUri: string;
}

/**
 * Everything that must hold before taskdef.json is written: only RegisterTaskDefinition input members with the right
 * JSON types, the Fargate essentials, the named container with the load balancer's port, and the image placeholder
 * in that container. All problems are reported in one error.
 */
export function validateTaskDefinition(taskDefinition: Record<string, unknown>, target: ValidationTarget): void {
  const issues = [
    ...checkRegisterInput(taskDefinition),
    ...checkFargateEssentials(taskDefinition, target.imageUri),
    ...checkTargetContainer(taskDefinition, target),
    ...checkTags(taskDefinition),
  ];
  if (issues.length > 0) {
    throw new ValidationError(
      `${target.source}: not a valid Fargate task definition for this deployment:\n${formatIssues(issues)}`,
    );
  }
}

function containersOf(taskDefinition: Record<string, unknown>): Record<string, unknown>[] {
  const list = taskDefinition.containerDefinitions;
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

export function checkFargateEssentials(taskDefinition: Record<string, unknown>, imageUri: string): Issue[] {
  const issues: Issue[] = [];
  const nonEmptyString = (key: string) => typeof taskDefinition[key] === "string" && taskDefinition[key] !== "";
  if (!nonEmptyString("family")) issues.push({ path: "family", problem: "is required" });
  if (!Array.isArray(taskDefinition.containerDefinitions) || taskDefinition.containerDefinitions.length === 0) {
    issues.push({ path: "containerDefinitions", problem: "is required and must list at least one container" });
  }
  const compatibilities = taskDefinition.requiresCompatibilities;
  if (!Array.isArray(compatibilities) || !compatibilities.includes("FARGATE")) {
    issues.push({ path: "requiresCompatibilities", problem: 'must include "FARGATE"' });
  }
  if (taskDefinition.networkMode !== "awsvpc") {
    issues.push({
      path: "networkMode",
      problem: `must be "awsvpc" on Fargate, got ${JSON.stringify(taskDefinition.networkMode)}`,
    });
  }
  for (const key of ["cpu", "memory"]) {
    if (!nonEmptyString(key))
      issues.push({ path: key, problem: 'is required at task level on Fargate (a string such as "256")' });
  }
  if (!nonEmptyString("executionRoleArn")) {
    const reasons = executionRoleReasons(taskDefinition, imageUri);
    if (reasons.length > 0) {
      issues.push({ path: "executionRoleArn", problem: `is required because ${reasons.join(" and ")}` });
    }
  }
  return issues;
}

function executionRoleReasons(taskDefinition: Record<string, unknown>, imageUri: string): string[] {
  const reasons: string[] = [];
  containersOf(taskDefinition).forEach((container, index) => {
    const name = typeof container.name === "string" ? container.name : `#${index}`;
    const log = container.logConfiguration;
    if (isPlainObject(log) && log.logDriver === "awslogs") reasons.push(`container ${name} logs with awslogs`);
    const image = container.image === IMAGE_PLACEHOLDER ? imageUri : container.image;
    if (typeof image === "string" && isPrivateEcrImage(image))
      reasons.push(`container ${name} pulls from ECR (${image})`);
  });
  return reasons;
}

export function checkTargetContainer(taskDefinition: Record<string, unknown>, target: ValidationTarget): Issue[] {
  const containers = containersOf(taskDefinition);
  const index = containers.findIndex((container) => container.name === target.container);
  if (index === -1) {
    const names = containers.map((container) => String(container.name));
    const existing = names.length > 0 ? `containers: ${names.join(", ")}` : "it has no containers";
    return [
      {
        path: "containerDefinitions",
        problem: `has no container named ${JSON.stringify(target.container)} (${existing})`,
      },
    ];
  }
  const container = containers[index] as Record<string, unknown>;
  const path = `containerDefinitions[${index}]`;
  const issues: Issue[] = [];
  if (container.image !== IMAGE_PLACEHOLDER) {
    issues.push({
      path: `${path}.image`,
      problem: `must be ${IMAGE_PLACEHOLDER} (CodeDeploy puts imageDetail.json's ImageURI there), got ${JSON.stringify(container.image)}`,
    });
  }
  const ports = mappedPorts(container);
  if (target.port === undefined) {
    if (ports.length !== 1) {
      issues.push({
        path: `${path}.portMappings`,
        problem: `container ${target.container} maps ${ports.length > 0 ? `ports ${ports.join(", ")}` : "no port"}: name the load balancer's with --port / CONTAINER_PORT`,
      });
    }
  } else if (!ports.includes(target.port)) {
    const mapped = ports.length > 0 ? `mapped: ${ports.join(", ")}` : "it has no port mappings";
    issues.push({
      path: `${path}.portMappings`,
      problem: `container ${target.container} does not map port ${target.port} (${mapped})`,
    });
  }
  return issues;
}

function mappedPorts(container: Record<string, unknown>): unknown[] {
  const mappings = Array.isArray(container.portMappings) ? container.portMappings.filter(isPlainObject) : [];
  return mappings.map((mapping) => mapping.containerPort);
}

/** The load balancer's port: the one given, else the named container's only port mapping (validated before). */
export function targetPort(taskDefinition: Record<string, unknown>, target: ValidationTarget): number {
  if (target.port !== undefined) return target.port;
  const container = containersOf(taskDefinition).find((candidate) => candidate.name === target.container);
  return (container ? mappedPorts(container)[0] : undefined) as number;
}

function checkTags(taskDefinition: Record<string, unknown>): Issue[] {
  const tags = Array.isArray(taskDefinition.tags) ? taskDefinition.tags : [];
  return tags.flatMap((tag, index) =>
    isPlainObject(tag) && typeof tag.key === "string" && isAwsReservedTagKey(tag.key)
      ? [{ path: `tags[${index}].key`, problem: `${JSON.stringify(tag.key)} uses the reserved aws: prefix` }]
      : [],
  );
}
