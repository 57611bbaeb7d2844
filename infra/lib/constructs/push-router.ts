import { codeCommitPushEventPattern, routerEnvironment } from "@repo/pipeline-triggers";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as codecommit from "aws-cdk-lib/aws-codecommit";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { bundleLambda, nodeLambdaRuntime, pushRouterEntry } from "../lambda-bundle.ts";

export interface PushRouterProps {
  functionName: string;
  repository: codecommit.IRepository;
  /** The repository's name as configured (a plain string: it goes into the router's validated environment). */
  repositoryName: string;
  branch: string;
  /** The Source action's name in every pipeline (StartPipelineExecution's sourceRevisions names it). */
  sourceActionName: string;
  /** Pipeline name (a plain string, not a token) -> the trigger paths that start it; at least one pipeline. */
  pipelines: Readonly<Record<string, readonly string[]>>;
  logRetention: logs.RetentionDays;
}

/**
 * CodeCommit pushes -> only the affected pipelines. CodePipeline V2 trigger filters do not apply to CodeCommit, so
 * the pipelines are not started by CodeCommit at all; one EventBridge rule sends the branch's reference changes to
 * this Lambda (@repo/pipeline-triggers' router), which compares the old and new commit (GetDifferences, every page)
 * and starts exactly the pipelines whose trigger paths the push touched, at the pushed commit.
 */
export class PushRouter extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PushRouterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const pipelineNames = Object.keys(props.pipelines).sort();

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "push router: read the repository's differences, start the affected pipelines, write its logs",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["codecommit:GetDifferences"],
        resources: [props.repository.repositoryArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["codepipeline:StartPipelineExecution"],
        resources: pipelineNames.map((name) => stack.formatArn({ service: "codepipeline", resource: name })),
      }),
    );
    logGroup.grantWrite(role);

    this.function = new lambda.Function(this, "Function", {
      functionName: props.functionName,
      description: "Starts the pipelines whose trigger paths a CodeCommit push touched",
      runtime: nodeLambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(bundleLambda("push-router", pushRouterEntry())),
      role,
      logGroup,
      memorySize: 256,
      // GetDifferences pages of 100 plus one StartPipelineExecution per pipeline, with SDK retries on throttling.
      timeout: Duration.minutes(2),
      // Validated against the Lambda's own parser and its 4 KB quota; throws at synth with the reason otherwise.
      environment: routerEnvironment({
        repositoryName: props.repositoryName,
        branch: props.branch,
        sourceActionName: props.sourceActionName,
        pipelines: props.pipelines,
      }),
    });

    this.rule = new events.Rule(this, "PushRule", {
      description: `Pushes to ${props.branch} -> push router`,
      eventPattern: codeCommitPushEventPattern(props.repository.repositoryArn, props.branch),
    });
    // EventBridge invokes asynchronously: a failed start (the handler throws) is retried by Lambda, and the
    // router's idempotency tokens keep a retry from queueing a second run of the pipelines it already started.
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, { retryAttempts: 4, maxEventAge: Duration.hours(2) }),
    );
  }
}
