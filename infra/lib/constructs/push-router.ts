import { codeCommitPushEventPattern, routerEnvironment } from "@repo/lambdas";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as codecommit from "aws-cdk-lib/aws-codecommit";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { bundleLambda, nodeLambdaRuntime } from "../lambda-bundle.ts";
import { suppress } from "../nag.ts";

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
  /** Notified when a push could not be routed (the failed-push queue holds a message); none when unset. */
  alarmTopic?: sns.ITopic;
}

/** Lambda's asynchronous retries of a failed routing (after about 1 and 2 minutes), then the failed-push queue. */
export const ROUTER_RETRY_ATTEMPTS = 2;
/** The longest a push waits for the router (throttling, retries) before it goes to the failed-push queue. */
export const ROUTER_MAX_EVENT_AGE = Duration.hours(6);
/** How long an unrouted push stays in the queue for someone to replay it: SQS's maximum. */
export const FAILED_PUSH_RETENTION = Duration.days(14);

/**
 * CodeCommit pushes -> only the affected pipelines. CodePipeline V2 trigger filters do not apply to CodeCommit, so
 * the pipelines are not started by CodeCommit at all; one EventBridge rule sends the branch's reference changes to
 * this Lambda (@repo/lambdas' push-router), which compares the old and new commit (GetDifferences, every page) and
 * starts exactly the pipelines whose trigger paths the push touched, at the branch head (GetBranch).
 *
 * No push is dropped silently: an event EventBridge cannot deliver to the function goes to the failed-push queue
 * (the rule target's dead-letter queue), and so does one whose routing still fails after Lambda's asynchronous
 * retries (the function's on-failure destination). An alarm fires as soon as the queue holds a message. Each
 * message carries the original event; invoking the function with it again is safe, since the starts' idempotency
 * tokens are derived from the event's id.
 */
export class PushRouter extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  /** Pushes that were not routed: undeliverable events and routings that failed after every retry. */
  readonly failedPushes: sqs.Queue;
  /** In alarm while the failed-push queue holds a message. */
  readonly failedPushesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PushRouterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const pipelineNames = Object.keys(props.pipelines).sort();

    this.failedPushes = new sqs.Queue(this, "FailedPushes", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: FAILED_PUSH_RETENTION,
    });
    suppress(this.failedPushes, [
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is itself the dead-letter queue: of the push rule's Lambda target and of the router's " +
          "asynchronous invocations (on-failure destination). Nothing consumes it, so it needs no DLQ of its own.",
      },
    ]);

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description:
        "push router: read the repository's differences and branch head, start the affected pipelines, write its " +
        "logs, send failed pushes to its queue",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["codecommit:GetBranch", "codecommit:GetDifferences"],
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
      code: lambda.Code.fromAsset(bundleLambda("push-router")),
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
      // The handler throws when a start failed: Lambda retries, then hands the event to the queue (CDK grants the
      // role sqs:SendMessage on this queue only).
      retryAttempts: ROUTER_RETRY_ATTEMPTS,
      maxEventAge: ROUTER_MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(this.failedPushes),
    });

    this.rule = new events.Rule(this, "PushRule", {
      description: `Pushes to ${props.branch} -> push router`,
      eventPattern: codeCommitPushEventPattern(props.repository.repositoryArn, props.branch),
    });
    // EventBridge retries a delivery the Lambda service refuses (throttling, a missing function), then puts the event
    // in the queue; CDK's queue policy lets only this rule send (aws:SourceArn).
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.failedPushes,
      }),
    );

    this.failedPushesAlarm = this.failedPushes
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, "FailedPushesAlarm", {
        alarmDescription:
          `A push to ${props.branch} of ${props.repositoryName} started none or not all of its pipelines: read the ` +
          "message in the failed-push queue (the event itself, or a Lambda failure record with the event under " +
          "requestPayload and the router's error under responsePayload), then invoke the router with that event again",
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    if (props.alarmTopic) this.failedPushesAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
