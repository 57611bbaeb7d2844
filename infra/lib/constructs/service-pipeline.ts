import { codePipelinePushFilters } from "@repo/pipeline-triggers";
import { SOURCE_ACTION_NAME } from "@repo/service-contract";
import { Stack } from "aws-cdk-lib";
import type * as codebuild from "aws-cdk-lib/aws-codebuild";
import type * as codecommit from "aws-cdk-lib/aws-codecommit";
import * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as actions from "aws-cdk-lib/aws-codepipeline-actions";
import * as notifications from "aws-cdk-lib/aws-codestarnotifications";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { acknowledgeArtifactGrant } from "../artifact-grants.ts";
import { trustedService } from "../trust.ts";
import type { DeploymentStrategy } from "./deployment-strategy.ts";

/** Where a pipeline reads the repository: CodeCommit, or a CodeConnections connection (GitHub, GitLab, Bitbucket). */
export type PipelineSource =
  | { type: "codecommit"; repository: codecommit.IRepository; branch: string }
  | { type: "codeconnections"; connectionArn: string; owner: string; repo: string; branch: string };

/** The pipeline events the notification topic receives (the manual-approval one only when the stage exists). */
export const NOTIFIED_EVENTS = [
  codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
  codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
] as const;

export interface ServicePipelineProps {
  /** An explicit name (the CodeCommit router starts the pipeline by it). */
  pipelineName: string;
  notificationRuleName: string;
  source: PipelineSource;
  /** The paths whose change starts this pipeline (V2 push filters for CodeConnections sources). */
  triggerPaths: readonly string[];
  /**
   * The shared artifact bucket, imported into the pipeline's stack (s3.Bucket.fromBucketAttributes): grants then
   * land on this stack's roles only, and never make the shared stack reference (or depend on) a service stack.
   */
  artifactBucket: s3.IBucket;
  buildProject: codebuild.IProject;
  /** The deployment engine: it provides the Deploy stage. */
  deployment: DeploymentStrategy;
  manualApproval: boolean;
  notificationTopic: sns.ITopic;
}

/**
 * One service's pipeline: Source -> Build -> [Approve] -> Deploy (CodeDeploy ECS blue/green), CodePipeline V2 in
 * QUEUED mode so two pushes never race one deployment, artifacts in the shared bucket.
 *
 * Starting it: a CodeConnections source starts it through V2 trigger file-path filters; a CodeCommit source never
 * starts it by itself (trigger NONE, no per-pipeline event rule) — the shared push router does, for affected pushes.
 */
export class ServicePipeline extends Construct {
  readonly pipeline: codepipeline.Pipeline;
  readonly role: iam.Role;
  readonly sourceAction: codepipeline.IAction;
  /** The Source action's role, for a connection source (CDK creates the CodeCommit one). */
  readonly sourceRole?: iam.Role;
  readonly notificationRule: notifications.INotificationRule;

  constructor(scope: Construct, id: string, props: ServicePipelineProps) {
    super(scope, id);
    const source = new codepipeline.Artifact("Source");
    const build = new codepipeline.Artifact("Build");

    this.role = new iam.Role(this, "Role", {
      assumedBy: trustedService(
        this,
        "codepipeline.amazonaws.com",
        Stack.of(this).formatArn({ service: "codepipeline", resource: props.pipelineName }),
      ),
      description: `${props.pipelineName} pipeline: artifacts, and assuming its actions' roles`,
    });
    this.pipeline = new codepipeline.Pipeline(this, "Pipeline", {
      pipelineName: props.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: props.artifactBucket,
      role: this.role,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });

    this.sourceRole = props.source.type === "codeconnections" ? this.connectionRole(props.source) : undefined;
    this.sourceAction = sourceAction(props.source, source, this.sourceRole);
    this.pipeline.addStage({ stageName: "Source", actions: [this.sourceAction] });
    if (props.source.type === "codeconnections") {
      this.pipeline.addTrigger({
        providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
        gitConfiguration: {
          sourceAction: this.sourceAction,
          pushFilter: codePipelinePushFilters(props.triggerPaths, props.source.branch),
        },
      });
    }

    this.pipeline.addStage({
      stageName: "Build",
      actions: [
        new actions.CodeBuildAction({
          actionName: "Build",
          project: props.buildProject,
          input: source,
          outputs: [build],
          variablesNamespace: "Build",
        }),
      ],
    });

    if (props.manualApproval) {
      this.pipeline.addStage({
        stageName: "Approval",
        actions: [
          new actions.ManualApprovalAction({
            actionName: "Approve",
            additionalInformation: `The image of ${props.pipelineName} is built and pushed; approve to start the blue/green deployment.`,
          }),
        ],
      });
    }

    this.pipeline.addStage({
      stageName: "Deploy",
      actions: props.deployment.deployActions(this, {
        source,
        build,
        pipelineRole: this.role,
        artifactBucket: props.artifactBucket,
      }),
    });

    this.acknowledgeArtifactGrants(props);

    this.notificationRule = this.pipeline.notifyOn("Notifications", props.notificationTopic, {
      notificationRuleName: props.notificationRuleName,
      detailType: notifications.DetailType.BASIC,
      events: [
        ...NOTIFIED_EVENTS,
        ...(props.manualApproval ? [codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED] : []),
      ],
    });
  }

  /**
   * A connection Source action's role. CDK grants `codestar-connections:UseConnection` only, and IAM needs the
   * action's prefix to match the connection ARN's (connections created since July 2024 are arn:aws:codeconnections).
   */
  private connectionRole(source: Extract<PipelineSource, { type: "codeconnections" }>): iam.Role {
    const role = new iam.Role(this, "SourceRole", {
      assumedBy: new iam.ArnPrincipal(this.role.roleArn),
      description: "Source action: read the repository through the connection, write the Source artifact",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [`${connectionServicePrefix(source.connectionArn)}:UseConnection`],
        resources: [source.connectionArn],
      }),
    );
    return role;
  }

  /** Each role that receives CDK's artifact grant, acknowledged there (see acknowledgeArtifactGrant). */
  private acknowledgeArtifactGrants(props: ServicePipelineProps): void {
    acknowledgeArtifactGrant(this.role, props.artifactBucket, "The pipeline", "read-write");
    // The Source action's role: ours for a connection, else the one CDK creates inside the pipeline.
    acknowledgeArtifactGrant(this.sourceRole ?? this.pipeline, props.artifactBucket, "The Source action", "read-write");
    const buildRole = props.buildProject.role;
    if (buildRole) acknowledgeArtifactGrant(buildRole, props.artifactBucket, "The Build project", "read-write");
  }
}

/** The IAM service prefix of a connection ARN: `codeconnections` or the older `codestar-connections`. */
export function connectionServicePrefix(connectionArn: string): string {
  const prefix = connectionArn.split(":")[2];
  if (prefix !== "codeconnections" && prefix !== "codestar-connections") {
    throw new Error(`${connectionArn} is not a CodeConnections connection ARN`);
  }
  return prefix;
}

function sourceAction(source: PipelineSource, output: codepipeline.Artifact, role?: iam.IRole): codepipeline.IAction {
  if (source.type === "codecommit") {
    return new actions.CodeCommitSourceAction({
      actionName: SOURCE_ACTION_NAME,
      repository: source.repository,
      branch: source.branch,
      output,
      // The shared push router starts the pipeline for affected pushes only; EVENTS would add a rule per pipeline
      // that starts it on every push.
      trigger: actions.CodeCommitTrigger.NONE,
    });
  }
  return new actions.CodeStarConnectionsSourceAction({
    actionName: SOURCE_ACTION_NAME,
    connectionArn: source.connectionArn,
    owner: source.owner,
    repo: source.repo,
    branch: source.branch,
    output,
    role,
    // DetectChanges off: pushes start the pipeline only through the V2 trigger's file-path filters (with it on, any
    // push to the branch would start it too; CodePipeline sets it off for filtered triggers).
    triggerOnPush: false,
  });
}
