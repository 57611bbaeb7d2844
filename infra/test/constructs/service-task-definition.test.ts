import { CONTAINER_SETTINGS, containerEnvironment, PLATFORM_ENVIRONMENT, TASK_PLATFORM } from "@repo/service-contract";
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as logs from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { ServiceTaskDefinition } from "../../lib/constructs/service-task-definition.ts";
import { bareStack, serviceManifest } from "../support/stack.ts";

const IMAGE = "public.ecr.aws/docker/library/node:24-bookworm-slim";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf";
const PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/orders/api-key";
const MANIFEST = serviceManifest({
  name: "orders",
  port: 3100,
  cpu: 512,
  memory: 1024,
  stopTimeoutSeconds: 30,
  environment: { LOG_LEVEL: "info" },
  secrets: { DB_PASSWORD: `${SECRET}:password::`, API_KEY: PARAMETER },
});

function taskDefinition(manifest = MANIFEST): { stack: Stack; task: ServiceTaskDefinition; template: Template } {
  const stack = bareStack();
  const task = new ServiceTaskDefinition(stack, "Task", {
    manifest,
    family: "project-orders",
    containerName: "orders-container",
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    logRetention: logs.RetentionDays.TWO_WEEKS,
  });
  return { stack, task, template: Template.fromStack(stack) };
}

describe("ServiceTaskDefinition", () => {
  const { stack, task, template } = taskDefinition();

  it("registers the given family with the manifest's cpu and memory on the contract's platform", () => {
    template.resourceCountIs("AWS::ECS::TaskDefinition", 1);
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      Family: "project-orders",
      Cpu: "512",
      Memory: "1024",
      NetworkMode: TASK_PLATFORM.networkMode,
      RequiresCompatibilities: [...TASK_PLATFORM.requiresCompatibilities],
      RuntimePlatform: {
        CpuArchitecture: TASK_PLATFORM.runtimePlatform.cpuArchitecture,
        OperatingSystemFamily: TASK_PLATFORM.runtimePlatform.operatingSystemFamily,
      },
    });
  });

  it("runs one hardened container: named, the given image, essential, unprivileged, read-only root, the stop timeout", () => {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [
        Match.objectLike({
          Name: "orders-container",
          Image: IMAGE,
          Essential: CONTAINER_SETTINGS.essential,
          User: CONTAINER_SETTINGS.user,
          ReadonlyRootFilesystem: true,
          StopTimeout: 30,
          PortMappings: [{ ContainerPort: 3100, Protocol: "tcp" }],
        }),
      ],
    });
  });

  it("sets exactly the contract's container environment, without SERVICE_VERSION (the image carries it)", () => {
    const environment = new Capture();
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [Match.objectLike({ Environment: environment })],
    });
    const actual = Object.fromEntries(
      (environment.asArray() as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    expect(actual).toEqual(containerEnvironment(MANIFEST));
    expect(actual).toEqual({
      LOG_LEVEL: "info",
      NODE_ENV: "production",
      PORT: "3100",
      SERVICE_NAME: "orders",
      HEALTH_CHECK_PATH: "/health",
      SHUTDOWN_GRACE_MS: "25000",
    });
    expect(actual).not.toHaveProperty(PLATFORM_ENVIRONMENT.serviceVersion);
  });

  it("passes secrets by reference, each ARN as written (a JSON-key suffix included)", () => {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: Match.arrayEquals([
            { Name: "DB_PASSWORD", ValueFrom: `${SECRET}:password::` },
            { Name: "API_KEY", ValueFrom: PARAMETER },
          ]),
        }),
      ],
    });
  });

  it("lets the execution role read exactly those secrets: the secret with or without its suffix, the parameter", () => {
    const statements = new Capture();
    template.hasResourceProperties("AWS::IAM::Policy", {
      Roles: [stack.resolve(task.executionRole.roleName)],
      PolicyDocument: { Statement: statements },
    });
    const secretStatements = (statements.asArray() as { Action: unknown }[]).filter((st) =>
      JSON.stringify(st.Action).match(/secretsmanager:|ssm:/),
    );
    expect(secretStatements).toEqual([
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SECRET, `${SECRET}-??????`] },
      { Effect: "Allow", Action: "ssm:GetParameters", Resource: PARAMETER },
    ]);
  });

  it("logs to its own retained log group with the given retention, streams prefixed with the container name", () => {
    template.resourceCountIs("AWS::Logs::LogGroup", 1);
    template.hasResource("AWS::Logs::LogGroup", {
      Properties: { RetentionInDays: 14 },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [
        Match.objectLike({
          LogConfiguration: {
            LogDriver: "awslogs",
            Options: {
              "awslogs-group": stack.resolve(task.logGroup.logGroupName),
              "awslogs-region": "us-east-1",
              "awslogs-stream-prefix": "orders-container",
            },
          },
        }),
      ],
    });
  });

  it("has no secrets and grants none when the manifest names none", () => {
    const { template: plain } = taskDefinition(serviceManifest({ name: "orders", port: 3100 }));
    plain.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [Match.objectLike({ Secrets: Match.absent() })],
    });
    expect(JSON.stringify(plain.findResources("AWS::IAM::Policy"))).not.toMatch(/secretsmanager:|ssm:/);
  });
});
