import { ArnFormat, Stack } from "aws-cdk-lib";
import type * as codebuild from "aws-cdk-lib/aws-codebuild";
import type * as iam from "aws-cdk-lib/aws-iam";
import { iamResourceFinding, suppress } from "./nag.ts";

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
    resourceName: `/aws/codebuild/${project.projectName}`,
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
