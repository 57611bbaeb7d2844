import { CONTAINER_SETTINGS, containerEnvironment, type ServiceManifest, TASK_PLATFORM } from "@repo/service-contract";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { suppress } from "../nag.ts";
import { trustedService } from "../trust.ts";

export interface ServiceTaskDefinitionProps {
  manifest: ServiceManifest;
  /** Task definition family (`<project>-<service>`): the service and the pipeline both refer to it by this name. */
  family: string;
  containerName: string;
  image: ecs.ContainerImage;
  logRetention: logs.RetentionDays;
}

/**
 * The Fargate task definition CDK owns: shape, roles, logging, environment; the pipeline only swaps the image. Its
 * values come from @repo/service-contract (a test compares the synthesized definition with the contract's document,
 * which taskdef.template.json is generated from).
 */
export class ServiceTaskDefinition extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceTaskDefinitionProps) {
    super(scope, id);
    const { manifest } = props;

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ECS assumes both roles for this account's tasks only.
    const ecsTasks = () =>
      trustedService(this, "ecs-tasks.amazonaws.com", Stack.of(this).formatArn({ service: "ecs", resource: "*" }));
    this.executionRole = new iam.Role(this, "ExecutionRole", {
      assumedBy: ecsTasks(),
      description: `${props.family}: pull the image, write the logs, read the secrets`,
    });
    const taskRole = new iam.Role(this, "TaskRole", {
      assumedBy: ecsTasks(),
      description: `${props.family}: what the service's code may call (nothing until you grant it)`,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, "TaskDefinition", {
      family: props.family,
      executionRole: this.executionRole,
      taskRole,
      cpu: manifest.cpu,
      memoryLimitMiB: manifest.memory,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.of(TASK_PLATFORM.runtimePlatform.cpuArchitecture),
        operatingSystemFamily: ecs.OperatingSystemFamily.of(TASK_PLATFORM.runtimePlatform.operatingSystemFamily),
      },
    });

    this.container = this.taskDefinition.addContainer("Container", {
      containerName: props.containerName,
      image: props.image,
      essential: CONTAINER_SETTINGS.essential,
      memoryLimitMiB: manifest.memory,
      portMappings: [{ containerPort: manifest.port, protocol: ecs.Protocol.TCP }],
      environment: containerEnvironment(manifest),
      secrets: containerSecrets(manifest),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.containerName }),
      user: CONTAINER_SETTINGS.user,
      readonlyRootFilesystem: CONTAINER_SETTINGS.readonlyRootFilesystem,
      stopTimeout: Duration.seconds(manifest.stopTimeoutSeconds),
    });

    suppress(this.executionRole, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "ecr:GetAuthorizationToken has no resource-level permissions; it must name Resource *. Image pulls " +
          "themselves are limited to the service's repository and the CDK asset repository.",
        appliesTo: ["Resource::*"],
      },
    ]);
    suppress(this.taskDefinition, [
      {
        id: "AwsSolutions-ECS2",
        reason:
          "The environment holds only non-secret settings (service.json's own, and the platform's: port, name, health " +
          "path, shutdown grace); " +
          "secrets are passed by reference through the container's `secrets`.",
      },
    ]);
  }
}

function containerSecrets(manifest: ServiceManifest): Record<string, ecs.Secret> {
  return Object.fromEntries(Object.entries(manifest.secrets).map(([name, arn]) => [name, new SecretByArn(arn)]));
}

/**
 * A Secrets Manager secret or SSM parameter named by ARN in service.json; the execution role may read exactly that
 * one. A Secrets Manager JSON-key suffix (`...:secret:name-AbCdEf:password::`) is passed to ECS as written.
 */
class SecretByArn extends ecs.Secret {
  readonly hasField: boolean;
  private readonly secretsManager: boolean;
  private readonly resourceArns: string[];

  readonly arn: string;

  constructor(arn: string) {
    super();
    this.arn = arn;
    const parts = arn.split(":");
    this.secretsManager = parts[2] === "secretsmanager";
    if (this.secretsManager) {
      // arn:aws:secretsmanager:region:account:secret:name[-suffix][:json-key:version-stage:version-id]
      const secretArn = parts.slice(0, 7).join(":");
      this.hasField = (parts[7] ?? "") !== "";
      // Written without its random 6-character suffix, the ARN matches the secret only with one.
      this.resourceArns = [secretArn, `${secretArn}-??????`];
    } else {
      this.hasField = false;
      this.resourceArns = [arn];
    }
  }

  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: this.secretsManager ? ["secretsmanager:GetSecretValue"] : ["ssm:GetParameters"],
      resourceArns: this.resourceArns,
    });
  }
}
