import { CODEBUILD_IMAGE } from "@repo/service-contract";
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as ecr from "aws-cdk-lib/aws-ecr";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDSPEC_FILE, ServiceBuildProject } from "../../lib/constructs/service-build-project.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

const VARIABLES = { SERVICE_NAME: "orders", SERVICE_DIR: "apps/orders", TASK_FAMILY: "project-orders" };

interface Built {
  stack: Stack;
  build: ServiceBuildProject;
  repository: ecr.Repository;
  cacheRepository: ecr.Repository;
  template: Template;
}

function buildProject(computeType: "small" | "medium" | "large" = "medium"): Built {
  const stack = bareStack();
  const repository = new ecr.Repository(stack, "Images");
  const cacheRepository = new ecr.Repository(stack, "Cache");
  const build = new ServiceBuildProject(stack, "Build", {
    projectName: "project-orders",
    serviceName: "orders",
    environmentVariables: VARIABLES,
    repository,
    cacheRepository,
    computeType,
    logRetention: logs.RetentionDays.ONE_MONTH,
  });
  return { stack, build, repository, cacheRepository, template: Template.fromStack(stack) };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe("ServiceBuildProject", () => {
  let b: Built;
  let statements: Statement[];
  beforeAll(() => {
    b = buildProject();
    const captured = new Capture();
    b.template.hasResourceProperties("AWS::IAM::Policy", {
      Roles: [b.stack.resolve((b.build.project.role as iam.IRole).roleName)],
      PolicyDocument: { Statement: captured },
    });
    statements = captured.asArray();
  });

  it("runs the root buildspec.yml from the pipeline's source on CodeBuild's standard image, privileged (it runs Docker)", () => {
    b.template.hasResourceProperties("AWS::CodeBuild::Project", {
      Name: "project-orders",
      Source: { Type: "CODEPIPELINE", BuildSpec: BUILDSPEC_FILE },
      Artifacts: { Type: "CODEPIPELINE" },
      Environment: Match.objectLike({
        Type: "LINUX_CONTAINER",
        Image: CODEBUILD_IMAGE,
        ComputeType: "BUILD_GENERAL1_MEDIUM",
        PrivilegedMode: true,
      }),
      TimeoutInMinutes: 30,
      QueuedTimeoutInMinutes: 60,
    });
  });

  it("sets exactly the given variables, as plain text", () => {
    b.template.hasResourceProperties("AWS::CodeBuild::Project", {
      Environment: Match.objectLike({
        EnvironmentVariables: Object.entries(VARIABLES).map(([Name, Value]) => ({ Name, Type: "PLAINTEXT", Value })),
      }),
    });
  });

  it.each([
    ["small", "BUILD_GENERAL1_SMALL"],
    ["large", "BUILD_GENERAL1_LARGE"],
  ] as const)("builds on the configured compute size (%s)", (size, computeType) => {
    buildProject(size).template.hasResourceProperties("AWS::CodeBuild::Project", {
      Environment: Match.objectLike({ ComputeType: computeType }),
    });
  });

  it("logs to its own retained log group, by the given name, with the given retention", () => {
    b.template.hasResource("AWS::Logs::LogGroup", {
      Properties: { LogGroupName: "/aws/codebuild/project-orders", RetentionInDays: 30 },
      DeletionPolicy: "Retain",
    });
    b.template.hasResourceProperties("AWS::CodeBuild::Project", {
      LogsConfig: { CloudWatchLogs: { Status: "ENABLED", GroupName: b.stack.resolve(b.build.logGroup.logGroupName) } },
    });
  });

  it("lets its role push and pull its own two repositories, and no other", () => {
    const ecrStatements = statements.filter((st) =>
      list(st.Action).some((a) => a.startsWith("ecr:") && a !== "ecr:GetAuthorizationToken"),
    );
    expect(ecrStatements).toHaveLength(1);
    expect(list(ecrStatements[0]?.Action).sort()).toEqual([
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]);
    const repositories = [b.repository, b.cacheRepository].map((r) => b.stack.resolve(r.repositoryArn));
    expect(list(ecrStatements[0]?.Resource)).toHaveLength(2);
    expect(list(ecrStatements[0]?.Resource)).toEqual(expect.arrayContaining(repositories));
  });

  it("names Resource * only for the actions that have no narrower resource", () => {
    const star = statements.filter((st) => st.Resource === "*");
    expect(star.flatMap((st) => list(st.Action)).sort()).toEqual([
      "ecr:GetAuthorizationToken",
      "ecs:DescribeTaskDefinition",
    ]);
  });

  it("writes only its own log group (CodeBuild's grant names the same /aws/codebuild/<project>), nothing else", () => {
    const logStatements = statements.filter((st) => list(st.Action).some((a) => a.startsWith("logs:")));
    const ownGroup = `arn:aws:logs:${UNIT_ENV.region}:${UNIT_ENV.account}:log-group:/aws/codebuild/`;
    const project = b.stack.resolve(b.build.project.projectName);
    expect(logStatements).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: b.stack.resolve(b.build.logGroup.logGroupArn),
      },
      {
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [{ "Fn::Join": ["", [ownGroup, project, ":*"]] }, { "Fn::Join": ["", [ownGroup, project]] }],
      },
    ]);
    // No report groups (codebuild:CreateReport*), nothing outside ECR, ECS reads and its logs.
    expect(statements.flatMap((st) => list(st.Action)).filter((a) => !/^(ecr|ecs|logs):/.test(a))).toEqual([]);
  });
});
