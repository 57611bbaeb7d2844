import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type ServiceDeployment,
  type ServiceRevision,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { AwsError } from "./errors.ts";

/** The ECS calls this step makes, each failure explained with the IAM action and resource it concerns. */
export class Ecs {
  constructor(
    readonly client: ECSClient,
    private readonly cluster: string,
    private readonly service: string,
  ) {}

  async describeService(): Promise<Service> {
    const response = await this.call("DescribeServices", `service ${this.service} in cluster ${this.cluster}`, () =>
      this.client.send(new DescribeServicesCommand({ cluster: this.cluster, services: [this.service] })),
    );
    const service = response.services?.[0];
    if (!service || service.status === "INACTIVE") {
      const reason = response.failures?.[0]?.reason ?? service?.status ?? "not returned";
      throw new AwsError(
        `service ${this.service} not found in cluster ${this.cluster} (${reason}): check --service / --cluster, and that the service's stack is deployed`,
      );
    }
    return service;
  }

  async registerTaskDefinition(input: Record<string, unknown>): Promise<string> {
    const family = String(input.family);
    const response = await this.call("RegisterTaskDefinition", `task definition family ${family}`, () =>
      this.client.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput)),
    );
    const arn = response.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new AwsError(`ecs:RegisterTaskDefinition returned no task definition ARN for family ${family}`);
    return arn;
  }

  async updateService(taskDefinitionArn: string): Promise<Service | undefined> {
    const response = await this.call("UpdateService", `service ${this.service} in cluster ${this.cluster}`, () =>
      this.client.send(
        new UpdateServiceCommand({ cluster: this.cluster, service: this.service, taskDefinition: taskDefinitionArn }),
      ),
    );
    return response.service;
  }

  async describeServiceDeployment(arn: string): Promise<ServiceDeployment> {
    const response = await this.call("DescribeServiceDeployments", arn, () =>
      this.client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })),
    );
    const deployment = response.serviceDeployments?.[0];
    if (!deployment) {
      const failure = response.failures?.[0];
      throw new AwsError(
        `ecs:DescribeServiceDeployments did not describe ${arn}${failure ? ` (${failure.reason}${failure.detail ? `: ${failure.detail}` : ""})` : ""}`,
      );
    }
    return deployment;
  }

  /** Undefined when ECS keeps no record of the revision (revisions created before October 2024). */
  async describeServiceRevision(arn: string): Promise<ServiceRevision | undefined> {
    const response = await this.call("DescribeServiceRevisions", arn, () =>
      this.client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [arn] })),
    );
    return response.serviceRevisions?.[0];
  }

  async rollBack(serviceDeploymentArn: string): Promise<void> {
    await this.call("StopServiceDeployment", serviceDeploymentArn, () =>
      this.client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: "ROLLBACK" })),
    );
  }

  private async call<T>(operation: string, subject: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw await explainAwsFailure(error, operation, subject, this.client);
    }
  }
}

type SdkError = Parameters<typeof isThrottlingError>[0];

async function explainAwsFailure(
  error: unknown,
  operation: string,
  subject: string,
  client: ECSClient,
): Promise<AwsError> {
  const failure = error as SdkError;
  const name = failure.name ?? "Error";
  const message = failure.message ?? String(error);
  const region = await client.config.region().catch(() => undefined);
  const where = region ? ` in ${region}` : "";
  const said = `(${name}: ${message})`;
  const action = `ecs:${operation}`;

  if (message === "Region is missing" || name === "RegionMissingError") {
    return new AwsError("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile)", {
      cause: error,
    });
  }
  if (name === "CredentialsProviderError") {
    return new AwsError(
      `no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where a role is available (the CodeBuild project's service role) ${said}`,
      { cause: error },
    );
  }
  if (name === "AccessDeniedException" || /not authorized/i.test(message)) {
    return new AwsError(`access denied: the credentials in use need ${action} on ${subject}${where} ${said}`, {
      cause: error,
    });
  }
  if (name === "ServiceNotFoundException" || name === "ClusterNotFoundException") {
    return new AwsError(`${action}: ${subject} not found${where}: check --cluster and --service ${said}`, {
      cause: error,
    });
  }
  if (isThrottlingError(failure) || isTransientError(failure) || isServerError(failure)) {
    const attempts = failure.$metadata?.attempts;
    const what = isThrottlingError(failure) ? "throttled" : "failed with a server or network error on";
    return new AwsError(
      `ECS ${what} ${action}${attempts ? ` on all ${attempts} attempts` : ""}${where} ${said}; raise AWS_MAX_ATTEMPTS if this persists`,
      { cause: error, retryable: true },
    );
  }
  return new AwsError(`${action} for ${subject}${where} failed ${said}`, { cause: error });
}
