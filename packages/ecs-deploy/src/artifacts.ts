import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  checkRegisterInput,
  IMAGE_PLACEHOLDER,
  type ImageReference,
  OUTPUT_FILES,
  parseImageReference,
} from "@repo/create-new-task-def";
import { UsageError, ValidationError } from "./errors.ts";
import { ENV_FALLBACKS } from "./options.ts";

type Issue = ReturnType<typeof checkRegisterInput>[number];

/** What the Deploy stage registers and deploys, read from the Build stage's artifacts. */
export interface DeployArtifacts {
  /** RegisterTaskDefinition input: taskdef.json with the named container's placeholder replaced by the image. */
  taskDefinition: Record<string, unknown>;
  /** imageDetail.json's ImageURI. */
  imageUri: string;
  image: ImageReference;
  files: { taskdef: string; imageDetail: string };
}

/** Any image placeholder of the kind CodeDeploy fills (`<IMAGE1_NAME>`, `<IMAGE2_NAME>`, ...). */
const ANY_IMAGE_PLACEHOLDER = /^<IMAGE\d+_NAME>$/;

/**
 * Reads taskdef.json and imageDetail.json from `dir`, checks them, and fills the image into the named container only.
 * Every problem of taskdef.json is reported at once; nothing is sent to ECS before this has passed.
 */
export async function readDeployArtifacts(dir: string, container: string, cwd: string): Promise<DeployArtifacts> {
  const folder = resolve(cwd, dir);
  const files = { taskdef: join(folder, OUTPUT_FILES.taskdef), imageDetail: join(folder, OUTPUT_FILES.imageDetail) };
  const [taskdefText, imageDetailText] = await Promise.all([readInput(files.taskdef), readInput(files.imageDetail)]);

  const imageUri = parseImageDetail(imageDetailText, files.imageDetail);
  let image: ImageReference;
  try {
    image = parseImageReference(imageUri, `${files.imageDetail}: ImageURI`);
  } catch (error) {
    throw new ValidationError((error as Error).message, { cause: error });
  }

  const taskDefinition = parseJsonObject(taskdefText, files.taskdef);
  const issues = [...checkRegisterInput(taskDefinition), ...checkPlaceholders(taskDefinition, container)];
  if (issues.length > 0) {
    throw new ValidationError(
      `${files.taskdef}: not a task definition this step can register:\n${issues.map((issue) => `  - ${issue.path}: ${issue.problem}`).join("\n")}`,
    );
  }
  return { taskDefinition: withImage(taskDefinition, container, imageUri), imageUri, image, files };
}

function parseImageDetail(text: string, file: string): string {
  const detail = parseJsonObject(text, file);
  const uri = detail.ImageURI;
  if (typeof uri !== "string" || uri.trim() === "") {
    throw new ValidationError(`${file}: must be {"ImageURI": "<repository>@sha256:<digest>"}, has no ImageURI string`);
  }
  return uri.trim();
}

function checkPlaceholders(taskDefinition: Record<string, unknown>, container: string): Issue[] {
  const containers = Array.isArray(taskDefinition.containerDefinitions) ? taskDefinition.containerDefinitions : [];
  const names = containers.map((definition) => String((definition as Record<string, unknown>)?.name));
  const index = names.indexOf(container);
  if (index === -1) {
    const existing = names.length > 0 ? `containers: ${names.join(", ")}` : "it has no containers";
    return [
      { path: "containerDefinitions", problem: `has no container named ${JSON.stringify(container)} (${existing})` },
    ];
  }
  const issues: Issue[] = [];
  containers.forEach((definition, position) => {
    const image = (definition as Record<string, unknown>).image;
    if (position === index && image !== IMAGE_PLACEHOLDER) {
      issues.push({
        path: `containerDefinitions[${position}].image`,
        problem: `must be ${IMAGE_PLACEHOLDER} (the Build stage's placeholder for imageDetail.json's ImageURI), got ${JSON.stringify(image)}`,
      });
    }
    if (position !== index && typeof image === "string" && ANY_IMAGE_PLACEHOLDER.test(image)) {
      issues.push({
        path: `containerDefinitions[${position}].image`,
        problem: `container ${names[position]} has the placeholder ${image}, but only the image of container ${container} is filled in`,
      });
    }
  });
  return issues;
}

function withImage(taskDefinition: Record<string, unknown>, container: string, imageUri: string) {
  const containers = taskDefinition.containerDefinitions as Record<string, unknown>[];
  return {
    ...taskDefinition,
    containerDefinitions: containers.map((definition) =>
      definition.name === container ? { ...definition, image: imageUri } : definition,
    ),
  };
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(`${file}: must contain a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a folder" : (error as Error).message;
    throw new UsageError(
      `--artifacts / ${ENV_FALLBACKS.artifacts}: cannot read ${path}: ${reason} (the Build stage's artifact must hold ${OUTPUT_FILES.taskdef} and ${OUTPUT_FILES.imageDetail})`,
      { cause: error },
    );
  }
}
