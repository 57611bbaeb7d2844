import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { manifestDigest } from "./registry.ts";

/** What the artifacts must say, from the project's environment and the build's exported variables. */
export interface ExpectedArtifacts {
  /** REPOSITORY_URI, e.g. 127.0.0.1:41234/sample-service. */
  repositoryUri: string;
  /** The tag the build pushed (IMAGE_TAG). */
  imageTag: string;
  family: string;
  containerName: string;
  containerPort: number;
  /** HOOK_AFTER_ALLOW_TEST_TRAFFIC, when the service has the test-traffic hook. */
  afterAllowTestTrafficHook: string | undefined;
}

export interface VerifiedImage {
  /** imageDetail.json's ImageURI: repository@sha256:… */
  imageUri: string;
  digest: string;
}

/** An artifact or the registry disagrees with what the Build stage should have produced. */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerificationError";
  }
}

async function readArtifact(dir: string, name: string): Promise<string> {
  try {
    return await readFile(path.join(dir, name), "utf8");
  } catch {
    throw new VerificationError(`${name} is missing from the artifacts`);
  }
}

function parseJsonArtifact(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VerificationError(`${name} is not valid JSON (${(error as Error).message})`);
  }
}

/** imageDetail.json pins the pushed image by digest: `<REPOSITORY_URI>@sha256:<64 hex>`. */
export function checkImageDetail(text: string, expected: Pick<ExpectedArtifacts, "repositoryUri">): VerifiedImage {
  const detail = parseJsonArtifact(text, "imageDetail.json") as { ImageURI?: unknown };
  const imageUri = detail?.ImageURI;
  if (typeof imageUri !== "string") throw new VerificationError("imageDetail.json has no ImageURI string");
  const prefix = `${expected.repositoryUri}@`;
  const digest = imageUri.startsWith(prefix) ? imageUri.slice(prefix.length) : "";
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new VerificationError(
      `imageDetail.json ImageURI is "${imageUri}", expected a digest-pinned ${expected.repositoryUri}@sha256:<digest>`,
    );
  }
  return { imageUri, digest };
}

/** taskdef.json: the service's family, and its container's image left as the <IMAGE1_NAME> placeholder. */
export function checkTaskDefinition(
  text: string,
  expected: Pick<ExpectedArtifacts, "family" | "containerName" | "containerPort">,
): void {
  const taskdef = parseJsonArtifact(text, "taskdef.json") as {
    family?: unknown;
    containerDefinitions?: { name?: unknown; image?: unknown; portMappings?: { containerPort?: unknown }[] }[];
  };
  if (taskdef?.family !== expected.family) {
    throw new VerificationError(
      `taskdef.json family is ${JSON.stringify(taskdef?.family)}, expected "${expected.family}"`,
    );
  }
  const containers = Array.isArray(taskdef.containerDefinitions) ? taskdef.containerDefinitions : [];
  const container = containers.find((candidate) => candidate.name === expected.containerName);
  if (!container) {
    throw new VerificationError(
      `taskdef.json has no container "${expected.containerName}" (it has: ${containers.map((c) => String(c.name)).join(", ") || "none"})`,
    );
  }
  if (container.image !== "<IMAGE1_NAME>") {
    throw new VerificationError(
      `taskdef.json container "${expected.containerName}" image is ${JSON.stringify(container.image)}, expected "<IMAGE1_NAME>" (CodeDeploy fills it from imageDetail.json)`,
    );
  }
  if (!(container.portMappings ?? []).some((mapping) => mapping.containerPort === expected.containerPort)) {
    throw new VerificationError(
      `taskdef.json container "${expected.containerName}" does not map port ${expected.containerPort}`,
    );
  }
}

/** appspec.yaml: the ECS target with the service's container name and port, and the test-traffic hook if any. */
export function checkAppSpec(
  text: string,
  expected: Pick<ExpectedArtifacts, "containerName" | "containerPort" | "afterAllowTestTrafficHook">,
): void {
  let appspec: {
    Resources?: {
      TargetService?: { Properties?: { TaskDefinition?: unknown; LoadBalancerInfo?: Record<string, unknown> } };
    }[];
    Hooks?: Record<string, unknown>[];
  };
  try {
    appspec = parseYaml(text);
  } catch (error) {
    throw new VerificationError(`appspec.yaml is not valid YAML (${(error as Error).message})`);
  }
  const properties = appspec?.Resources?.[0]?.TargetService?.Properties;
  const info = properties?.LoadBalancerInfo;
  if (info?.ContainerName !== expected.containerName || info?.ContainerPort !== expected.containerPort) {
    throw new VerificationError(
      `appspec.yaml LoadBalancerInfo is ${JSON.stringify(info ?? null)}, expected ContainerName "${expected.containerName}" and ContainerPort ${expected.containerPort}`,
    );
  }
  if (properties?.TaskDefinition !== "<TASK_DEFINITION>") {
    throw new VerificationError(
      `appspec.yaml TaskDefinition is ${JSON.stringify(properties?.TaskDefinition)}, expected "<TASK_DEFINITION>" (CodeDeploy fills it in)`,
    );
  }
  const hooks = appspec.Hooks ?? [];
  const hook = hooks.find((entry) => "AfterAllowTestTraffic" in entry)?.AfterAllowTestTraffic;
  if (hook !== expected.afterAllowTestTrafficHook) {
    throw new VerificationError(
      `appspec.yaml AfterAllowTestTraffic hook is ${JSON.stringify(hook ?? null)}, expected ${JSON.stringify(expected.afterAllowTestTrafficHook ?? null)}`,
    );
  }
}

/**
 * The registry really holds the pushed image: the tag resolves (Docker-Content-Digest) to the digest
 * imageDetail.json pins, and the manifest is served by that digest too.
 */
export async function checkRegistryHolds(repositoryUri: string, imageTag: string, digest: string): Promise<void> {
  const slash = repositoryUri.indexOf("/");
  const address = repositoryUri.slice(0, slash);
  const repository = repositoryUri.slice(slash + 1);
  const byTag = await manifestDigest(address, repository, imageTag);
  if (byTag.status !== 200) {
    throw new VerificationError(`the registry answers HTTP ${byTag.status} for ${repositoryUri}:${imageTag}`);
  }
  if (byTag.digest !== digest) {
    throw new VerificationError(
      `the registry serves ${repositoryUri}:${imageTag} as ${byTag.digest ?? "(no Docker-Content-Digest)"}, but imageDetail.json pins ${digest}`,
    );
  }
  const byDigest = await manifestDigest(address, repository, digest);
  if (byDigest.status !== 200) {
    throw new VerificationError(`the registry answers HTTP ${byDigest.status} for ${repositoryUri}@${digest}`);
  }
}

/** All checks on the artifacts in `dir` and on the registry; returns the pinned image. */
export async function verifyArtifacts(dir: string, expected: ExpectedArtifacts): Promise<VerifiedImage> {
  const image = checkImageDetail(await readArtifact(dir, "imageDetail.json"), expected);
  checkTaskDefinition(await readArtifact(dir, "taskdef.json"), expected);
  checkAppSpec(await readArtifact(dir, "appspec.yaml"), expected);
  await checkRegistryHolds(expected.repositoryUri, expected.imageTag, image.digest);
  return image;
}
