import { type BuildComputeType, CODEBUILD_IMAGE } from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { acknowledgeProjectLogStreams, projectLogGroup, projectRole } from "../codebuild-project.ts";
import { suppress } from "../nag.ts";

/** The one Build-stage recipe (repository root) every service's project runs, unchanged. */
export const BUILDSPEC_FILE = "buildspec.yml";

/** CodeBuild sizes by the config's name for them. */
export const COMPUTE_TYPES: Record<BuildComputeType, codebuild.ComputeType> = {
  small: codebuild.ComputeType.SMALL,
  medium: codebuild.ComputeType.MEDIUM,
  large: codebuild.ComputeType.LARGE,
};

/**
 * CodeBuild's standard 8.0 image (Ubuntu 24.04, Docker 28, buildx 0.32; Node.js 22 and 24 as runtime-versions):
 * buildspec.yml selects the Node.js major of .nvmrc. The image and its runtimes are named once, in
 * @repo/service-contract's node-runtime.ts, with their source.
 */
export const BUILD_IMAGE = codebuild.LinuxBuildImage.fromCodeBuildImageId(CODEBUILD_IMAGE);

export interface ServiceBuildProjectProps {
  /** Project name, `<project>-<service>` (the contract's); its log group is /aws/codebuild/<name>. */
  projectName: string;
  serviceName: string;
  /** The variables buildspec.yml reads: the contract's buildStageVariables() for this service. */
  environmentVariables: Record<string, string>;
  repository: ecr.IRepository;
  cacheRepository: ecr.IRepository;
  computeType: BuildComputeType;
  logRetention: logs.RetentionDays;
}

/**
 * The service's image build: runs the root buildspec.yml with the service's variables, in privileged mode (it runs
 * Docker; the only privileged project of the app). Its role may push and pull its own image and cache repositories,
 * read task definitions (create-new-task-def reads the family's newest revision) and write its own log group; the
 * pipeline adds read/write on the artifact bucket.
 */
export class ServiceBuildProject extends Construct {
  readonly project: codebuild.PipelineProject;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceBuildProjectProps) {
    super(scope, id);
    this.logGroup = projectLogGroup(this, "Logs", props.projectName, props.logRetention);
    const role = projectRole(
      this,
      "Role",
      props.projectName,
      `${props.projectName} image build: its repositories, its log group, its pipeline's artifacts`,
    );
    this.project = new codebuild.PipelineProject(this, "Project", {
      projectName: props.projectName,
      role,
      description: `${props.serviceName}: builds and pushes the image, writes the deploy artifacts (${BUILDSPEC_FILE})`,
      buildSpec: codebuild.BuildSpec.fromSourceFilename(BUILDSPEC_FILE),
      environment: {
        buildImage: BUILD_IMAGE,
        computeType: COMPUTE_TYPES[props.computeType],
        privileged: true,
      },
      environmentVariables: Object.fromEntries(
        Object.entries(props.environmentVariables).map(([name, value]) => [name, { value }]),
      ),
      logging: { cloudWatch: { logGroup: this.logGroup } },
      timeout: Duration.minutes(30),
      queuedTimeout: Duration.hours(1),
      // Reports are not used: no codebuild:CreateReport* permissions.
      grantReportGroupPermissions: false,
    });

    props.repository.grantPullPush(role);
    props.cacheRepository.grantPullPush(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // DescribeTaskDefinition supports no resource type or condition key (Service Authorization Reference).
        actions: ["ecs:DescribeTaskDefinition"],
        resources: ["*"],
      }),
    );

    suppress(role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Resource * only where AWS allows nothing narrower: ecr:GetAuthorizationToken (registry login) and " +
          "ecs:DescribeTaskDefinition have no resource-level permissions; pushes and pulls are limited to the " +
          "service's own image and cache repositories.",
        appliesTo: ["Resource::*"],
      },
    ]);
    acknowledgeProjectLogStreams(role, this.project);
    suppress(this.project, [
      {
        id: "AwsSolutions-CB4",
        reason:
          "The project writes no artifacts of its own: its output goes to the pipeline's artifact bucket (SSE-S3, " +
          "private, TLS-only), and CodeBuild encrypts its working data with the AWS-managed key; a customer-managed " +
          "key would add cost and key policy upkeep without narrowing who can read the artifacts.",
      },
    ]);
  }
}
