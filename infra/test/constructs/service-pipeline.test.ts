import { codePipelinePushFilters } from "@repo/pipeline-triggers";
import { PIPELINE_IMAGE_PLACEHOLDER_NAME, SOURCE_ACTION_NAME } from "@repo/service-contract";
import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as codecommit from "aws-cdk-lib/aws-codecommit";
import * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import { beforeAll, describe, expect, it } from "vitest";
import { codeDeployDeployStage } from "../../lib/constructs/code-deploy-blue-green.ts";
import type { DeploymentStrategy } from "../../lib/constructs/deployment-strategy.ts";
import {
  connectionServicePrefix,
  type PipelineSource,
  ServicePipeline,
} from "../../lib/constructs/service-pipeline.ts";
import { bareStack } from "../support/stack.ts";

const BUCKET = "project-artifacts-123456789012-us-east-1";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:project-pipelines";
const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/orders-execution";
const TASK_ROLE = "arn:aws:iam::123456789012:role/orders-task";
const CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
const TRIGGER_PATHS = ["apps/orders/", "packages/shared/", "pnpm-lock.yaml"];
const APPLICATION = "project-orders-app";
const GROUP = "project-orders-group";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

interface Piped {
  stack: Stack;
  pipeline: ServicePipeline;
  buildProject: codebuild.PipelineProject;
  deploymentGroup: codedeploy.IEcsDeploymentGroup;
  deployRole: iam.Role;
  template: Template;
}

type SourceKind = "codecommit" | "codeconnections";

function servicePipeline(options: { source?: SourceKind; manualApproval?: boolean; connection?: string } = {}): Piped {
  const stack = bareStack();
  const source: PipelineSource =
    options.source === "codeconnections"
      ? {
          type: "codeconnections",
          connectionArn: options.connection ?? CONNECTION,
          owner: "acme",
          repo: "shop",
          branch: "release",
        }
      : {
          type: "codecommit",
          repository: codecommit.Repository.fromRepositoryName(stack, "Repo", "monorepo"),
          branch: "main",
        };
  const buildProject = new codebuild.PipelineProject(stack, "BuildProject");
  const deploymentGroup = codedeploy.EcsDeploymentGroup.fromEcsDeploymentGroupAttributes(stack, "Group", {
    application: codedeploy.EcsApplication.fromEcsApplicationName(stack, "Application", APPLICATION),
    deploymentGroupName: GROUP,
  });
  // The CodeDeploy engine's Deploy stage, on an imported deployment group (the strategy's own test covers the rest).
  const taskRoles = [
    iam.Role.fromRoleArn(stack, "ExecutionRole", EXECUTION_ROLE),
    iam.Role.fromRoleArn(stack, "TaskRole", TASK_ROLE),
  ];
  let deployRole: iam.Role | undefined;
  const deployment: DeploymentStrategy = {
    serviceOptions: { deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY } },
    bind: () => undefined,
    deployActions: (scope, inputs) => {
      const stage = codeDeployDeployStage(scope, inputs, { deploymentGroup, taskFamily: "project-orders", taskRoles });
      deployRole = stage.role;
      return stage.actions;
    },
  };
  const pipeline = new ServicePipeline(stack, "Pipeline", {
    pipelineName: "project-orders",
    notificationRuleName: "project-orders-pipeline",
    source,
    triggerPaths: TRIGGER_PATHS,
    artifactBucket: s3.Bucket.fromBucketName(stack, "Artifacts", BUCKET),
    buildProject,
    deployment,
    manualApproval: options.manualApproval ?? false,
    notificationTopic: sns.Topic.fromTopicArn(stack, "Topic", TOPIC),
  });
  return {
    stack,
    pipeline,
    buildProject,
    deploymentGroup,
    deployRole: deployRole as iam.Role,
    template: Template.fromStack(stack),
  };
}

/** The statements of the policies attached to one role. */
function statementsOf(p: Piped, role: iam.IRole): Statement[] {
  const roleRef = p.stack.resolve(role.roleName);
  return Object.values(p.template.findResources("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function stages(template: Template): { Name: string; Actions: Record<string, unknown>[] }[] {
  const captured = new Capture();
  template.hasResourceProperties("AWS::CodePipeline::Pipeline", { Stages: captured });
  return captured.asArray();
}

/** The Source stage is the one named action of this provider, with these settings. */
function expectSourceAction(template: Template, provider: string, settings: Record<string, unknown>): void {
  const [source] = stages(template);
  expect(source?.Actions).toEqual([
    expect.objectContaining({
      Name: SOURCE_ACTION_NAME,
      ActionTypeId: { Category: "Source", Owner: "AWS", Provider: provider, Version: "1" },
      ...settings,
    }),
  ]);
}

const ARTIFACT_OBJECTS = [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`];

describe("ServicePipeline from CodeCommit", () => {
  let p: Piped;
  beforeAll(() => {
    p = servicePipeline();
  });

  it("is a named V2 pipeline in QUEUED mode, its artifacts in the given bucket, without a KMS key", () => {
    p.template.resourceCountIs("AWS::CodePipeline::Pipeline", 1);
    p.template.hasResourceProperties("AWS::CodePipeline::Pipeline", {
      Name: "project-orders",
      PipelineType: "V2",
      ExecutionMode: "QUEUED",
      ArtifactStore: { Type: "S3", Location: BUCKET, EncryptionKey: Match.absent() },
      RestartExecutionOnUpdate: false,
      RoleArn: p.stack.resolve(p.pipeline.role.roleArn),
    });
    p.template.resourceCountIs("AWS::KMS::Key", 0);
  });

  it("runs Source -> Build -> Deploy, without an approval stage unless asked", () => {
    expect(stages(p.template).map((stage) => stage.Name)).toEqual(["Source", "Build", "Deploy"]);
  });

  it("reads the branch from CodeCommit and never starts itself: no polling, no trigger, no event rule", () => {
    expectSourceAction(p.template, "CodeCommit", {
      Configuration: { RepositoryName: "monorepo", BranchName: "main", PollForSourceChanges: false },
      OutputArtifacts: [{ Name: "Source" }],
    });
    p.template.hasResourceProperties("AWS::CodePipeline::Pipeline", { Triggers: Match.absent() });
    p.template.resourceCountIs("AWS::Events::Rule", 0);
  });

  it("builds the Source artifact with the given project into the Build artifact, in the Build namespace", () => {
    const [, build] = stages(p.template);
    expect(build?.Actions).toEqual([
      expect.objectContaining({
        Name: "Build",
        ActionTypeId: { Category: "Build", Owner: "AWS", Provider: "CodeBuild", Version: "1" },
        Configuration: { ProjectName: p.stack.resolve(p.buildProject.projectName) },
        InputArtifacts: [{ Name: "Source" }],
        OutputArtifacts: [{ Name: "Build" }],
        Namespace: "Build",
      }),
    ]);
  });

  it("deploys the Build artifact's taskdef.json and appspec.yaml with CodeDeployToECS, as the deploy role", () => {
    const [, , deploy] = stages(p.template);
    expect(deploy?.Actions).toEqual([
      expect.objectContaining({
        Name: "Deploy",
        ActionTypeId: { Category: "Deploy", Owner: "AWS", Provider: "CodeDeployToECS", Version: "1" },
        Configuration: {
          ApplicationName: APPLICATION,
          DeploymentGroupName: GROUP,
          TaskDefinitionTemplateArtifact: "Build",
          TaskDefinitionTemplatePath: "taskdef.json",
          AppSpecTemplateArtifact: "Build",
          AppSpecTemplatePath: "appspec.yaml",
          Image1ArtifactName: "Build",
          Image1ContainerName: PIPELINE_IMAGE_PLACEHOLDER_NAME,
        },
        InputArtifacts: [{ Name: "Build" }],
        RoleArn: p.stack.resolve(p.deployRole.roleArn),
      }),
    ]);
  });

  it("lets the deploy role do exactly what CodeDeployToECS needs, for this family, these roles and this group", () => {
    const family = "arn:aws:ecs:us-east-1:123456789012:task-definition/project-orders:*";
    const group = p.deploymentGroup;
    const statements = statementsOf(p, p.deployRole);
    expect(statements.filter((st) => !list(st.Action).some((a) => a.startsWith("s3:")))).toEqual([
      {
        Effect: "Allow",
        Action: [
          "codedeploy:GetApplication",
          "codedeploy:GetApplicationRevision",
          "codedeploy:RegisterApplicationRevision",
        ],
        Resource: p.stack.resolve(group.application.applicationArn),
      },
      {
        Effect: "Allow",
        Action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
        Resource: p.stack.resolve(group.deploymentGroupArn),
      },
      {
        Effect: "Allow",
        Action: "codedeploy:GetDeploymentConfig",
        Resource: p.stack.resolve(group.deploymentConfig.deploymentConfigArn),
      },
      { Effect: "Allow", Action: "ecs:RegisterTaskDefinition", Resource: family },
      {
        Effect: "Allow",
        Action: "ecs:TagResource",
        Resource: family,
        Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
      },
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [EXECUTION_ROLE, TASK_ROLE],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ]);
    // And reads (never writes) the artifacts.
    const s3 = statements.filter((st) => list(st.Action).some((a) => a.startsWith("s3:")));
    expect(s3.map((st) => st.Resource)).toEqual([ARTIFACT_OBJECTS]);
    expect(s3.flatMap((st) => list(st.Action)).filter((a) => /Put|Delete|Abort/.test(a))).toEqual([]);
  });

  it("has the deploy role trusted by the pipeline's role only", () => {
    p.template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: "sts:AssumeRole", Effect: "Allow", Principal: { AWS: p.stack.resolve(p.pipeline.role.roleArn) } },
        ],
      },
      Description: Match.stringLikeRegexp("Deploy action"),
    });
  });

  it("lets the build project read and write the artifacts, in the artifact bucket only", () => {
    const s3 = statementsOf(p, p.buildProject.role as iam.IRole).filter((st) =>
      list(st.Action).some((a) => a.startsWith("s3:")),
    );
    expect(s3.map((st) => st.Resource)).toEqual([ARTIFACT_OBJECTS]);
    expect(s3.flatMap((st) => list(st.Action))).toEqual(expect.arrayContaining(["s3:PutObject", "s3:GetObject*"]));
  });

  it("grants no action on Resource * and no '*' action to any of its roles", () => {
    const statements = Object.values(p.template.findResources("AWS::IAM::Policy")).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    expect(statements.length).toBeGreaterThan(3);
    expect(statements.filter((st) => list(st.Resource as string).includes("*"))).toEqual([]);
    expect(statements.flatMap((st) => list(st.Action)).filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
  });

  it("notifies the given topic of failed and succeeded executions, by the given rule name", () => {
    p.template.hasResourceProperties("AWS::CodeStarNotifications::NotificationRule", {
      Name: "project-orders-pipeline",
      DetailType: "BASIC",
      EventTypeIds: [
        "codepipeline-pipeline-pipeline-execution-failed",
        "codepipeline-pipeline-pipeline-execution-succeeded",
      ],
      Resource: p.stack.resolve(p.pipeline.pipeline.pipelineArn),
      Targets: [{ TargetType: "SNS", TargetAddress: TOPIC }],
    });
  });
});

describe("ServicePipeline with a manual approval", () => {
  let p: Piped;
  beforeAll(() => {
    p = servicePipeline({ manualApproval: true });
  });

  it("waits for a manual approval between Build and Deploy", () => {
    const all = stages(p.template);
    expect(all.map((stage) => stage.Name)).toEqual(["Source", "Build", "Approval", "Deploy"]);
    expect(all[2]?.Actions).toEqual([
      expect.objectContaining({
        Name: "Approve",
        ActionTypeId: { Category: "Approval", Owner: "AWS", Provider: "Manual", Version: "1" },
      }),
    ]);
  });

  it("also notifies when an approval is needed", () => {
    p.template.hasResourceProperties("AWS::CodeStarNotifications::NotificationRule", {
      EventTypeIds: Match.arrayWith(["codepipeline-pipeline-manual-approval-needed"]),
    });
  });
});

describe("ServicePipeline from a CodeConnections connection", () => {
  let p: Piped;
  beforeAll(() => {
    p = servicePipeline({ source: "codeconnections" });
  });

  it("reads owner/repo on the branch through the connection, not on every push (DetectChanges off)", () => {
    expectSourceAction(p.template, "CodeStarSourceConnection", {
      Configuration: {
        ConnectionArn: CONNECTION,
        FullRepositoryId: "acme/shop",
        BranchName: "release",
        DetectChanges: false,
      },
      RoleArn: p.stack.resolve(p.pipeline.sourceRole?.roleArn),
    });
  });

  it("starts through a V2 trigger whose push filters are its trigger paths on the branch", () => {
    const filters = codePipelinePushFilters(TRIGGER_PATHS, "release");
    p.template.hasResourceProperties("AWS::CodePipeline::Pipeline", {
      Triggers: [
        {
          ProviderType: "CodeStarSourceConnection",
          GitConfiguration: {
            SourceActionName: SOURCE_ACTION_NAME,
            Push: filters.map((filter) => ({
              Branches: { Includes: filter.branchesIncludes },
              FilePaths: { Includes: filter.filePathsIncludes },
            })),
          },
        },
      ],
    });
  });

  it("lets its source role use the connection under the ARN's own prefix (and CDK's older one), on that ARN only", () => {
    const role = p.pipeline.sourceRole as iam.Role;
    const use = statementsOf(p, role).filter((st) => list(st.Action).some((a) => a.endsWith(":UseConnection")));
    expect(use.flatMap((st) => list(st.Action)).sort()).toEqual([
      "codeconnections:UseConnection",
      "codestar-connections:UseConnection",
    ]);
    expect(new Set(use.flatMap((st) => list(st.Resource)))).toEqual(new Set([CONNECTION]));
    // No other role may use it.
    const everywhere = Object.values(p.template.findResources("AWS::IAM::Policy")).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(":UseConnection"),
    );
    expect(everywhere.map((policy) => policy.Properties.Roles)).toEqual([[p.stack.resolve(role.roleName)]]);
  });

  it("names the IAM prefix of either connection ARN, and refuses anything else", () => {
    expect(connectionServicePrefix(CONNECTION)).toBe("codeconnections");
    expect(connectionServicePrefix("arn:aws:codestar-connections:eu-west-1:123456789012:connection/abc")).toBe(
      "codestar-connections",
    );
    expect(() => connectionServicePrefix("arn:aws:codecommit:eu-west-1:123456789012:repo")).toThrow(
      "arn:aws:codecommit:eu-west-1:123456789012:repo is not a CodeConnections connection ARN",
    );
  });
});
