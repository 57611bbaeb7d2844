import { createRequire } from "node:module";
import path from "node:path";
import { codeCommitPushEventPattern, routerEnvironment } from "@repo/lambdas";
import { codePipelinePushFilters, triggerPathsFor, triggerPathsForAllServices } from "@repo/pipeline-triggers";
import {
  buildStageVariables,
  lambdaNodeRuntimeName,
  type ServiceManifest,
  SOURCE_ACTION_NAME,
  serviceNames,
} from "@repo/service-contract";
import { beforeAll, describe, expect, it } from "vitest";
import { VPC_ENI_ACTIONS } from "../lib/constructs/test-traffic-hook.ts";
import { bundleLambda } from "../lib/lambda-bundle.ts";
import { DUMMY_AWS_ENV, json, startEndpoint } from "./support/aws-endpoint.ts";
import {
  list,
  manifest,
  onlyResource,
  resourcesOfType,
  type Scenario,
  synthesize,
  type TemplateJson,
} from "./support/synth.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const CONNECTION_ARN = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";

/** orders: plain; billing: manual approval, no test hook, depends on @repo/shared, which depends on @repo/util. */
const MANIFESTS = [
  manifest("orders", 3000),
  manifest("billing", 3001, { deployment: { manualApproval: true, testTrafficHook: false } }),
];
const FILES = {
  "apps/billing/package.json": JSON.stringify({
    name: "@repo/billing",
    dependencies: { "@repo/shared": "workspace:*", express: "5.3.0" },
  }),
  "packages/shared/package.json": JSON.stringify({
    name: "@repo/shared",
    dependencies: { "@repo/util": "workspace:^" },
  }),
  "packages/util/package.json": JSON.stringify({ name: "@repo/util" }),
  "packages/unrelated/package.json": JSON.stringify({ name: "@repo/unrelated" }),
  "buildspec.yml": "version: 0.2\n",
  "README.md": "# not a build input\n",
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Every statement of every IAM policy (standalone and inline) of a template, with the policy's logical id. */
function statements(template: TemplateJson): (Statement & { policy: string; roles: string })[] {
  return Object.entries(template.Resources).flatMap(([id, resource]) => {
    const properties = resource.Properties ?? {};
    const documents =
      resource.Type === "AWS::IAM::Policy"
        ? [properties.PolicyDocument]
        : resource.Type === "AWS::IAM::Role"
          ? ((properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument)
          : [];
    return documents.flatMap((document) =>
      (document as { Statement: Statement[] }).Statement.map((statement) => ({
        ...statement,
        policy: id,
        roles: JSON.stringify(properties.Roles ?? id),
      })),
    );
  });
}

function pipelineOf(template: TemplateJson) {
  return onlyResource(template, "AWS::CodePipeline::Pipeline").properties as {
    Name: string;
    PipelineType: string;
    ExecutionMode: string;
    ArtifactStore: { Type: string; Location: unknown };
    RoleArn: unknown;
    Stages: {
      Name: string;
      Actions: {
        Name: string;
        ActionTypeId: Record<string, string>;
        Configuration: Record<string, unknown>;
        InputArtifacts?: { Name: string }[];
        OutputArtifacts?: { Name: string }[];
        RoleArn?: unknown;
      }[];
    }[];
    Triggers?: unknown;
  };
}

function environmentOf(template: TemplateJson): Record<string, unknown> {
  const project = onlyResource(template, "AWS::CodeBuild::Project").properties as {
    Environment: { EnvironmentVariables: { Name: string; Type: string; Value: unknown }[] };
  };
  return Object.fromEntries(project.Environment.EnvironmentVariables.map((v) => [v.Name, v.Value]));
}

/** A resource's properties by logical id; throws when the template has no such resource. */
function propertiesOf(template: TemplateJson, logicalId: string): Record<string, unknown> {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource.Properties ?? {};
}

/** The logical id CDK gives the construct path `prefix` (the path's ids joined, then an 8-character hash). */
const refTo = (template: TemplateJson, prefix: string) => {
  const ids = Object.keys(template.Resources).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (ids.length !== 1) throw new Error(`expected one resource named ${prefix}*, found ${ids.join(", ")}`);
  return ids[0] as string;
};

/** The ECR repository URI CloudFormation renders for a repository logical id. */
const repositoryUri = (logicalId: string) => ({
  "Fn::Join": [
    "",
    [
      { "Fn::Select": [4, { "Fn::Split": [":", { "Fn::GetAtt": [logicalId, "Arn"] }] }] },
      ".dkr.ecr.",
      { "Fn::Select": [3, { "Fn::Split": [":", { "Fn::GetAtt": [logicalId, "Arn"] }] }] },
      ".",
      { Ref: "AWS::URLSuffix" },
      "/",
      { Ref: logicalId },
    ],
  ],
});

let codeCommitScenario: Scenario | undefined;
/** The app with the default (CodeCommit) source, synthesized once for the file. */
const codeCommit = () =>
  (codeCommitScenario ??= synthesize({
    manifests: MANIFESTS,
    files: FILES,
    config: { notificationEmail: "ops@example.com" },
  }));

describe("trigger paths, from the workspace graph at synth time", () => {
  it("lists the sample service's folder, its workspace packages and the root build inputs", () => {
    expect(triggerPathsFor(REPO_ROOT, "apps/sample-service")).toEqual([
      ".dockerignore",
      "apps/sample-service/",
      "appspec.yaml",
      "buildspec.yml",
      "package.json",
      "packages/create-new-task-def/",
      "packages/devkit/",
      "packages/service-contract/",
      "packages/tsconfig/",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "taskdef.template.json",
      "turbo.json",
    ]);
  });

  it("follows a service's shared package transitively, and leaves other packages and services out", () => {
    const s = codeCommit();
    const byService = Object.fromEntries(triggerPathsForAllServices(s.repoRoot).map((e) => [e.service, e.paths]));
    const root = ["buildspec.yml", "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"];
    expect(byService.billing).toEqual([
      "apps/billing/",
      ...root.slice(0, 2),
      "packages/shared/",
      "packages/util/",
      ...root.slice(2),
    ]);
    expect(byService.orders).toEqual(["apps/orders/", ...root]);
    // What the stacks were built with is exactly that list.
    const billing = s.infra.services.find((stack) => stack.service.manifest.name === "billing");
    expect(billing?.targets.triggerPaths).toEqual(byService.billing);
  });
});

describe("one pipeline per service, CodeCommit source (the default)", () => {
  let s: Scenario;
  beforeAll(() => {
    s = codeCommit();
  });

  it("is a V2 pipeline in QUEUED mode with an explicit name, keeping artifacts in its own bucket", () => {
    for (const name of ["orders", "billing"]) {
      const template = s.json(`bluegreen-${name}`);
      expect(pipelineOf(template)).toMatchObject({
        Name: `bluegreen-${name}`,
        PipelineType: "V2",
        ExecutionMode: "QUEUED",
        ArtifactStore: { Type: "S3", Location: { Ref: refTo(template, "ArtifactsBucket") } },
      });
    }
    expect(resourcesOfType(s.json("bluegreen-shared"), "AWS::S3::Bucket")).not.toHaveProperty("ArtifactBucket");
  });

  it("lets each pipeline's roles touch only its own artifacts: no S3 grant of one service names another's bucket", () => {
    for (const name of ["orders", "billing"]) {
      const template = s.json(`bluegreen-${name}`);
      const own = refTo(template, "ArtifactsBucket");
      const s3 = statements(template).filter((st) => list(st.Action).some((action) => action.startsWith("s3:")));
      expect(s3.length).toBeGreaterThan(3);
      for (const statement of s3) {
        for (const resource of list(statement.Resource as unknown)) {
          expect(JSON.stringify(resource), `${statement.policy}: ${JSON.stringify(statement.Action)}`).toContain(own);
        }
      }
    }
  });

  it("runs Source -> Build -> Deploy, with an Approval stage only where the manifest asks for one", () => {
    expect(pipelineOf(s.json("bluegreen-orders")).Stages.map((stage) => stage.Name)).toEqual([
      "Source",
      "Build",
      "Deploy",
    ]);
    const billing = pipelineOf(s.json("bluegreen-billing"));
    expect(billing.Stages.map((stage) => stage.Name)).toEqual(["Source", "Build", "Approval", "Deploy"]);
  });

  it("reads the configured CodeCommit repository and branch, started by the push router only", () => {
    for (const name of ["orders", "billing"]) {
      const template = s.json(`bluegreen-${name}`);
      const [source] = pipelineOf(template).Stages[0]?.Actions ?? [];
      expect(source?.Configuration).toEqual({
        RepositoryName: "bluegreen",
        BranchName: "main",
        PollForSourceChanges: false,
      });
      expect(resourcesOfType(template, "AWS::Events::Rule")).toEqual({});
    }
  });

  it("builds with the stack's own project and deploys through the stack's own deployment group, as its deploy role", () => {
    const template = s.json("bluegreen-orders");
    const [, build, deploy] = pipelineOf(template).Stages;
    expect(build?.Actions[0]?.Configuration).toEqual({ ProjectName: { Ref: refTo(template, "BuildProject") } });
    expect(deploy?.Actions[0]).toMatchObject({
      Configuration: {
        ApplicationName: { Ref: refTo(template, "BlueGreenApplication") },
        DeploymentGroupName: { Ref: refTo(template, "BlueGreenDeploymentGroup") },
      },
      RoleArn: { "Fn::GetAtt": [refTo(template, "PipelineDeployRole"), "Arn"] },
    });
  });

  it("gives each service's build exactly the contract's Build stage variables, and its own log group", () => {
    const orders = s.json("bluegreen-orders");
    expect(orders.Resources[refTo(orders, "BuildLogs")]?.Properties).toMatchObject({
      LogGroupName: "/aws/codebuild/bluegreen-orders",
    });
    // Exactly the contract's Build stage variables (the rehearsal sets the same ones: build-stage-contract.test.ts).
    const serviceOf = (name: string) => s.infra.services.find((stack) => stack.service.manifest.name === name)?.service;
    const variables = (name: string, template: TemplateJson) =>
      buildStageVariables({
        manifest: serviceOf(name)?.manifest as ServiceManifest,
        serviceDir: serviceOf(name)?.dir as string,
        names: serviceNames("bluegreen", name),
        repositoryUri: repositoryUri(refTo(template, "ImageRepository")) as unknown as string,
        cacheRepositoryUri: repositoryUri(refTo(template, "BuildCacheRepository")) as unknown as string,
        accountId: ACCOUNT,
      });
    expect(environmentOf(orders)).toEqual(variables("orders", orders));
    expect(environmentOf(orders)).toMatchObject({
      SERVICE_NAME: "orders",
      TASK_FAMILY: "bluegreen-orders",
      HOOK_AFTER_ALLOW_TEST_TRAFFIC: "CodeDeployHook_bluegreen-orders",
    });
    // No test-traffic hook: no HOOK_AFTER_ALLOW_TEST_TRAFFIC.
    const billing = s.json("bluegreen-billing");
    expect(environmentOf(billing)).toEqual(variables("billing", billing));
    expect(environmentOf(billing)).not.toHaveProperty("HOOK_AFTER_ALLOW_TEST_TRAFFIC");
  });

  it("lets the Deploy action register its own family only and pass only its task's two roles", () => {
    const template = s.json("bluegreen-orders");
    const own = statements(template).filter((st) => st.roles.includes(refTo(template, "PipelineDeployRole")));
    const byAction = (action: string) => own.filter((st) => list(st.Action).includes(action));
    const family = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/bluegreen-orders:*`;
    expect(byAction("ecs:RegisterTaskDefinition")).toEqual([expect.objectContaining({ Resource: family })]);
    expect(byAction("iam:PassRole")).toEqual([
      expect.objectContaining({
        Resource: [
          { "Fn::GetAtt": [refTo(template, "TaskExecutionRole"), "Arn"] },
          { "Fn::GetAtt": [refTo(template, "TaskTaskRole"), "Arn"] },
        ],
      }),
    ]);
  });

  it("grants no '*' action anywhere, and Resource '*' only where AWS allows nothing narrower", () => {
    for (const stack of ["bluegreen-shared", "bluegreen-orders", "bluegreen-billing"]) {
      const all = statements(s.json(stack));
      expect(all.length).toBeGreaterThan(3);
      const actions = all.flatMap((st) => list(st.Action));
      expect(actions.filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
      const starActions = all
        .filter((st) => list(st.Resource as string).includes("*"))
        .flatMap((st) => list(st.Action));
      expect(new Set(starActions).size === 0 || [...new Set(starActions)].every((a) => STAR_ONLY.has(a))).toBe(true);
    }
  });

  it("routes CodeCommit pushes through one EventBridge rule to the router, configured with every pipeline", () => {
    const shared = s.json("bluegreen-shared");
    const repository = refTo(shared, "SourceRepository");
    expect(shared.Resources[repository]).toMatchObject({
      Type: "AWS::CodeCommit::Repository",
      Properties: { RepositoryName: "bluegreen" },
      DeletionPolicy: "Retain",
    });
    const rule = onlyResource(shared, "AWS::Events::Rule").properties as {
      EventPattern: Record<string, unknown>;
      Targets: { Arn: unknown; RetryPolicy: unknown }[];
    };
    const pattern = codeCommitPushEventPattern("REPOSITORY_ARN", "main");
    expect(rule.EventPattern).toEqual({
      source: pattern.source,
      "detail-type": pattern.detailType,
      resources: [{ "Fn::GetAtt": [repository, "Arn"] }],
      detail: pattern.detail,
    });
    const router = refTo(shared, "PushRouterFunction");
    expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { "Fn::GetAtt": [router, "Arn"] } })]);
    const fn = shared.Resources[router]?.Properties as Record<string, unknown>;
    expect(fn).toMatchObject({
      FunctionName: "bluegreen-push-router",
      Handler: "index.handler",
      Runtime: lambdaNodeRuntimeName(),
    });
    expect((fn.Environment as { Variables: unknown }).Variables).toEqual(
      routerEnvironment({
        repositoryName: "bluegreen",
        branch: "main",
        sourceActionName: SOURCE_ACTION_NAME,
        pipelines: Object.fromEntries(
          triggerPathsForAllServices(s.repoRoot).map((e) => [`bluegreen-${e.service}`, e.paths]),
        ),
      }),
    );
  });

  it("works as bundled: with the function's environment, a push to a shared package starts only its service", async () => {
    const shared = s.json("bluegreen-shared");
    const variables = (
      propertiesOf(shared, refTo(shared, "PushRouterFunction")).Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    const [OLD, NEW] = ["1".repeat(40), "2".repeat(40)];
    const aws = await startEndpoint((call) => {
      switch (call.operation) {
        case "CodeCommit_20150413.GetDifferences":
          return json(200, {
            differences: [
              { afterBlob: { blobId: "b", path: "packages/util/src/index.ts", mode: "100644" }, changeType: "A" },
              { afterBlob: { blobId: "c", path: "README.md", mode: "100644" }, changeType: "M" },
            ],
          });
        case "CodeCommit_20150413.GetBranch":
          return json(200, { branch: { branchName: "main", commitId: NEW } });
        default:
          return json(200, { pipelineExecutionId: "exec-1" });
      }
    });
    const saved = { ...process.env };
    Object.assign(process.env, DUMMY_AWS_ENV, variables, {
      AWS_ENDPOINT_URL_CODECOMMIT: aws.url,
      AWS_ENDPOINT_URL_CODEPIPELINE: aws.url,
      AWS_MAX_ATTEMPTS: "1",
    });
    try {
      const bundle = `${bundleLambda("push-router")}/index.js`;
      const { handler } = createRequire(import.meta.url)(bundle) as {
        handler: (event: unknown) => Promise<{ started: string[] }>;
      };
      const result = await handler({
        id: "6f2b0c1e-0000-4000-8000-000000000001",
        source: "aws.codecommit",
        "detail-type": "CodeCommit Repository State Change",
        resources: [`arn:aws:codecommit:${REGION}:${ACCOUNT}:bluegreen`],
        detail: {
          event: "referenceUpdated",
          repositoryName: "bluegreen",
          referenceType: "branch",
          referenceName: "main",
          commitId: NEW,
          oldCommitId: OLD,
        },
      });
      expect(result.started).toEqual(["bluegreen-billing"]);
      const starts = aws.calls.filter((c) => c.operation === "CodePipeline_20150709.StartPipelineExecution");
      expect(starts.map((c) => JSON.parse(c.body))).toEqual([
        expect.objectContaining({
          name: "bluegreen-billing",
          sourceRevisions: [{ actionName: SOURCE_ACTION_NAME, revisionType: "COMMIT_ID", revisionValue: NEW }],
        }),
      ]);
    } finally {
      process.env = saved;
      await aws.close();
    }
  });

  it("lets the router read the repository's differences and start exactly the service pipelines", () => {
    const shared = s.json("bluegreen-shared");
    const own = statements(shared).filter((st) => st.roles.includes(refTo(shared, "PushRouterRole")));
    expect(own.map((st) => st.Action)).toEqual([
      ["codecommit:GetBranch", "codecommit:GetDifferences"],
      "codepipeline:StartPipelineExecution",
      ["logs:CreateLogStream", "logs:PutLogEvents"],
      ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
    ]);
    expect(own[3]?.Resource).toEqual({ "Fn::GetAtt": [refTo(shared, "PushRouterFailedPushes"), "Arn"] });
    expect(own[0]?.Resource).toEqual({ "Fn::GetAtt": [refTo(shared, "SourceRepository"), "Arn"] });
    expect(own[1]?.Resource).toEqual([
      `arn:aws:codepipeline:${REGION}:${ACCOUNT}:bluegreen-billing`,
      `arn:aws:codepipeline:${REGION}:${ACCOUNT}:bluegreen-orders`,
    ]);
  });

  it("sends every push it could not route to an encrypted, TLS-only queue kept 14 days, and alarms on it", () => {
    const shared = s.json("bluegreen-shared");
    const queue = refTo(shared, "PushRouterFailedPushes");
    const router = refTo(shared, "PushRouterFunction");
    expect(propertiesOf(shared, queue)).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    // The function's asynchronous invocations: retried twice, then the failure record goes to the queue.
    expect(onlyResource(shared, "AWS::Lambda::EventInvokeConfig").properties).toEqual({
      FunctionName: { Ref: router },
      Qualifier: "$LATEST",
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } },
    });
    // An event EventBridge cannot deliver to the function goes to the same queue.
    const rule = onlyResource(shared, "AWS::Events::Rule");
    expect((rule.properties.Targets as Record<string, unknown>[])[0]).toMatchObject({
      DeadLetterConfig: { Arn: { "Fn::GetAtt": [queue, "Arn"] } },
      RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
    });
    // Queue policy: TLS only for everyone; EventBridge may send, from this rule only.
    const queuePolicy = onlyResource(shared, "AWS::SQS::QueuePolicy").properties as {
      Queues: unknown;
      PolicyDocument: { Statement: Record<string, unknown>[] };
    };
    expect(queuePolicy.Queues).toEqual([{ Ref: queue }]);
    expect(queuePolicy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: "sqs:*",
        Principal: { AWS: "*" },
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
      {
        Sid: expect.stringMatching(/^AllowEventRule/),
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Principal: { Service: "events.amazonaws.com" },
        Resource: { "Fn::GetAtt": [queue, "Arn"] },
        Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [rule.logicalId, "Arn"] } } },
      },
    ]);
    // Only the router's role may send to the queue besides EventBridge (see the role's statements above).
    const senders = statements(shared).filter((st) => list(st.Action).includes("sqs:SendMessage"));
    expect(senders.map((st) => st.roles)).toEqual([JSON.stringify([{ Ref: refTo(shared, "PushRouterRole") }])]);
    // The alarm: any visible message, to the alarm topic (notificationEmail is configured here).
    const alarm = onlyResource(shared, "AWS::CloudWatch::Alarm").properties;
    expect(alarm).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queue, "QueueName"] } }],
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: refTo(shared, "AlarmTopic") }],
    });
  });

  it("notifies the shared stack's topic of failed and succeeded executions (and approvals needed), e-mail subscribed", () => {
    const shared = s.json("bluegreen-shared");
    const topicId = refTo(shared, "PipelineNotificationsTopic");
    expect(shared.Resources[topicId]?.Properties).toMatchObject({ TopicName: "bluegreen-pipelines" });
    const subscriptions = Object.values(resourcesOfType(shared, "AWS::SNS::Subscription")).map((x) => x.Properties);
    expect(subscriptions).toContainEqual(
      expect.objectContaining({ Protocol: "email", Endpoint: "ops@example.com", TopicArn: { Ref: topicId } }),
    );

    const events = (name: string) => {
      const rule = onlyResource(s.json(`bluegreen-${name}`), "AWS::CodeStarNotifications::NotificationRule")
        .properties as { EventTypeIds: string[]; Targets: { TargetType: string; TargetAddress: unknown }[] };
      expect(rule.Targets).toEqual([{ TargetType: "SNS", TargetAddress: expect.anything() }]);
      expect(JSON.stringify(rule.Targets[0]?.TargetAddress)).toContain("PipelineNotificationsTopic");
      return rule.EventTypeIds;
    };
    expect(events("orders")).toEqual([
      "codepipeline-pipeline-pipeline-execution-failed",
      "codepipeline-pipeline-pipeline-execution-succeeded",
    ]);
    expect(events("billing")).toEqual([
      "codepipeline-pipeline-pipeline-execution-failed",
      "codepipeline-pipeline-pipeline-execution-succeeded",
      "codepipeline-pipeline-manual-approval-needed",
    ]);
  });

  it("deploys the shared stack first: every service stack depends on it, it on none, services not on each other", () => {
    const dependencies = (name: string) => s.assembly.getStackByName(name).dependencies.map((d) => d.id);
    expect(dependencies("bluegreen-shared").filter((id) => !id.endsWith(".assets"))).toEqual([]);
    for (const name of ["orders", "billing"]) {
      expect(dependencies(`bluegreen-${name}`).filter((id) => !id.endsWith(".assets"))).toEqual(["bluegreen-shared"]);
    }
  });

  it("outputs the pipeline, build project and cache repository, and exposes them as typed targets", () => {
    const outputs = s.json("bluegreen-orders").Outputs ?? {};
    expect(outputs.PipelineName?.Value).toBe("bluegreen-orders");
    expect(outputs.BuildProjectName).toBeDefined();
    expect(outputs.CacheRepositoryUri).toBeDefined();
    const stack = s.infra.services.find((x) => x.service.manifest.name === "orders");
    expect(stack?.targets.pipelineName).toBe("bluegreen-orders");
    expect(s.json("bluegreen-shared").Outputs?.PushRouterFunctionName).toBeDefined();
  });
});

/**
 * Actions that may name Resource "*": AWS offers no resource-level permission for them, or (the network interfaces
 * of a Lambda function in a VPC) the resources do not exist before Lambda creates them.
 */
const STAR_ONLY = new Set([
  "ecr:GetAuthorizationToken",
  "ecs:DescribeTaskDefinition",
  ...VPC_ENI_ACTIONS,
  // CodeDeploy's role: the load balancer Describe* calls have no resource-level permissions.
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
]);

describe("one pipeline per service, CodeConnections source (GitHub, GitLab, Bitbucket)", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: MANIFESTS,
      files: FILES,
      config: {
        buildComputeType: "large",
        source: {
          type: "codeconnections",
          connectionArn: CONNECTION_ARN,
          owner: "acme",
          repo: "shop",
          branch: "release",
        },
      },
    });
  });

  it("reads the configured repository through the configured connection, on the configured branch", () => {
    const [source] = pipelineOf(s.json("bluegreen-orders")).Stages[0]?.Actions ?? [];
    expect(source?.Configuration).toMatchObject({
      ConnectionArn: CONNECTION_ARN,
      FullRepositoryId: "acme/shop",
      BranchName: "release",
    });
  });

  it("starts each pipeline through V2 trigger file-path filters: its own trigger paths, on the branch", () => {
    for (const name of ["orders", "billing"]) {
      const filters = codePipelinePushFilters(triggerPathsFor(s.repoRoot, `apps/${name}`), "release");
      const [trigger] = pipelineOf(s.json(`bluegreen-${name}`)).Triggers as {
        GitConfiguration: { Push: { FilePaths: { Includes: string[] } }[] };
      }[];
      expect(trigger?.GitConfiguration.Push.map((push) => push.FilePaths.Includes)).toEqual(
        filters.map((filter) => filter.filePathsIncludes),
      );
    }
    // billing's filters name its shared packages, orders' do not.
    const billing = JSON.stringify(pipelineOf(s.json("bluegreen-billing")).Triggers);
    expect(billing).toContain("packages/shared/**");
    expect(billing).toContain("packages/util/**");
    expect(JSON.stringify(pipelineOf(s.json("bluegreen-orders")).Triggers)).not.toContain("packages/");
  });

  it("creates no CodeCommit repository, router or event rule, and builds on the configured compute size", () => {
    const shared = s.json("bluegreen-shared");
    for (const type of ["AWS::CodeCommit::Repository", "AWS::Events::Rule"]) {
      expect(resourcesOfType(shared, type)).toEqual({});
    }
    expect(Object.keys(resourcesOfType(shared, "AWS::Lambda::Function")).filter((id) => id.includes("Router"))).toEqual(
      [],
    );
    expect(onlyResource(s.json("bluegreen-orders"), "AWS::CodeBuild::Project").properties).toMatchObject({
      Environment: { ComputeType: "BUILD_GENERAL1_LARGE" },
    });
  });
});

describe("an existing CodeCommit repository", () => {
  it("is referenced by name, not created, and the router's rule names its ARN", () => {
    const s = synthesize({
      manifests: [manifest("orders", 3000)],
      config: { source: { type: "codecommit", repositoryName: "legacy-mono", createRepository: false } },
    });
    const shared = s.json("bluegreen-shared");
    expect(resourcesOfType(shared, "AWS::CodeCommit::Repository")).toEqual({});
    const rule = onlyResource(shared, "AWS::Events::Rule").properties as { EventPattern: { resources: unknown } };
    expect(rule.EventPattern.resources).toEqual([`arn:aws:codecommit:${REGION}:${ACCOUNT}:legacy-mono`]);
    // No notificationEmail, so no alarm topic: the failed-push alarm still exists, with no action.
    expect(onlyResource(shared, "AWS::CloudWatch::Alarm").properties.AlarmActions).toBeUndefined();
    const [source] = pipelineOf(s.json("bluegreen-orders")).Stages[0]?.Actions ?? [];
    expect(source?.Configuration).toMatchObject({ RepositoryName: "legacy-mono" });
  });
});
