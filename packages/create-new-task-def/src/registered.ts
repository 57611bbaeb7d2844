import { DescribeTaskDefinitionCommand, ECSClient, type Tag, type TaskDefinition } from "@aws-sdk/client-ecs";
import { AwsError } from "./errors.ts";
import { IMAGE_PLACEHOLDER } from "./image.ts";
import type { Env } from "./options.ts";
import { isAwsReservedTagKey, isPlainObject, readOnlyTaskDefinitionMembers } from "./register-schema.ts";

/**
 * An ECS client with nothing of this tool's own: region, credentials chain, `AWS_ENDPOINT_URL_ECS`, retry mode and
 * attempts (standard, 3 by default) all come from the usual AWS settings. The one addition: AWS_DEFAULT_REGION is
 * honoured when AWS_REGION is unset, as the AWS CLI and CodeBuild do.
 */
export function createEcsClient(env: Env): ECSClient {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return new ECSClient(region ? { region } : {});
}

export interface RegisteredTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/** DescribeTaskDefinition of the family's newest ACTIVE revision (or the exact `family:revision` / ARN given), with tags. */
export async function describeTaskDefinition(client: ECSClient, family: string): Promise<RegisteredTaskDefinition> {
  try {
    const response = await client.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ["TAGS"] }),
    );
    if (!response.taskDefinition) {
      throw new AwsError(`ecs:DescribeTaskDefinition returned no task definition for ${JSON.stringify(family)}`);
    }
    return { taskDefinition: response.taskDefinition, tags: response.tags ?? [] };
  } catch (error) {
    if (error instanceof AwsError) throw error;
    throw await explainAwsFailure(error, family, client);
  }
}

/**
 * The RegisterTaskDefinition input for the next revision: the read-only members dropped, tags carried over (dropped
 * when there are none; `aws:`-prefixed keys are AWS-managed, RegisterTaskDefinition refuses them, so they stay
 * behind), the deployed container's image replaced by <IMAGE1_NAME>; everything else as registered.
 */
export function toRegistrationInput(
  registered: RegisteredTaskDefinition,
  containerName: string,
): Record<string, unknown> {
  const readOnly = new Set(readOnlyTaskDefinitionMembers());
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(registered.taskDefinition)) {
    if (!readOnly.has(key) && value !== undefined) input[key] = value;
  }
  const tags = registered.tags.filter((tag) => !isAwsReservedTagKey(tag.key));
  if (tags.length > 0) input.tags = tags;
  if (Array.isArray(input.containerDefinitions)) {
    input.containerDefinitions = input.containerDefinitions.map((container: unknown) =>
      isPlainObject(container) && container.name === containerName
        ? { ...container, image: IMAGE_PLACEHOLDER }
        : container,
    );
  }
  return input;
}

async function explainAwsFailure(error: unknown, family: string, client: ECSClient): Promise<AwsError> {
  const failure = error as { name?: string; message?: string; $metadata?: { attempts?: number } };
  const name = failure.name ?? "Error";
  const message = failure.message ?? String(error);
  const region = await client.config.region().catch(() => undefined);
  const where = region ? ` in ${region}` : "";
  const said = `(${name}: ${message})`;

  if (message === "Region is missing" || name === "RegionMissingError") {
    return new AwsError("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile)", {
      cause: error,
    });
  }
  if (name === "CredentialsProviderError") {
    return new AwsError(
      `no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where a role is available (CodeBuild's service role) ${said}`,
      { cause: error },
    );
  }
  if (name === "ClientException" && /unable to describe task definition/i.test(message)) {
    return new AwsError(
      `task definition family ${JSON.stringify(family)} not found${where}: deploy the service's stack first (it registers the family), check --family / TASK_FAMILY, or render from a template with --template ${said}`,
      { cause: error },
    );
  }
  if (name === "AccessDeniedException" || name === "AccessDenied" || /not authorized/i.test(message)) {
    return new AwsError(
      `access denied: the credentials in use need permission ecs:DescribeTaskDefinition${where} ${said}`,
      { cause: error },
    );
  }
  if (/throttl|rate exceeded|too many requests/i.test(`${name} ${message}`)) {
    const attempts = failure.$metadata?.attempts;
    return new AwsError(
      `ECS throttled ecs:DescribeTaskDefinition${attempts ? ` on all ${attempts} attempts` : ""}${where}; retry the build later, or raise AWS_MAX_ATTEMPTS ${said}`,
      { cause: error },
    );
  }
  return new AwsError(`ecs:DescribeTaskDefinition of ${JSON.stringify(family)}${where} failed ${said}`, {
    cause: error,
  });
}
