import { codeBuildLogGroup } from "@repo/service-contract";
import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { iamResourceFinding, suppress } from "./nag.ts";
import { trustedService } from "./trust.ts";

/** A CodeBuild project's own log group (/aws/codebuild/<project>), kept when the stack goes. */
export function projectLogGroup(
  scope: Construct,
  id: string,
  projectName: string,
  retention: logs.RetentionDays,
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: codeBuildLogGroup(projectName),
    retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The role of one CodeBuild project: CodeBuild may assume it for that project only. */
export function projectRole(scope: Construct, id: string, projectName: string, description: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: trustedService(
      scope,
      "codebuild.amazonaws.com",
      Stack.of(scope).formatArn({ service: "codebuild", resource: "project", resourceName: projectName }),
    ),
    description,
  });
}

/**
 * CodeBuild's standard logging grant names the streams of the project's own log group
 * (/aws/codebuild/<project>:*), which CodeBuild creates per build: acknowledged on the project's role, naming that
 * one log group exactly.
 */
export function acknowledgeProjectLogStreams(role: iam.IRole, project: codebuild.IProject): void {
  const logGroup = Stack.of(role).formatArn({
    service: "logs",
    resource: "log-group",
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    resourceName: codeBuildLogGroup(project.projectName),
  });
  suppress(role, [
    {
      id: "AwsSolutions-IAM5",
      reason:
        "The streams of the project's own log group (/aws/codebuild/<project>:*), which CodeBuild creates per " +
        "build; CodeBuild's standard logging grant.",
      appliesTo: [iamResourceFinding(role, `${logGroup}:*`)],
    },
  ]);
}
