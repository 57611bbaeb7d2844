// Trust policies that name who may assume a role on the service's behalf: the service principal, and the account and
// resource the request must come from (aws:SourceAccount / aws:SourceArn), as AWS recommends against the confused
// deputy problem (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";

/**
 * `service` (e.g. "codebuild.amazonaws.com") acting for this stack's account, and only for `sourceArn` (a resource
 * ARN, `*` allowed as in ArnLike).
 */
export function trustedService(scope: IConstruct, service: string, sourceArn: string): iam.IPrincipal {
  return new iam.ServicePrincipal(service).withConditions({
    StringEquals: { "aws:SourceAccount": Stack.of(scope).account },
    ArnLike: { "aws:SourceArn": sourceArn },
  });
}
