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

/**
 * ECS's control plane (ecs.amazonaws.com), as it assumes the roles of a service's ECS-native deployment: its
 * infrastructure role for load balancers and the role it invokes lifecycle hooks with. AWS documents these trust
 * policies without aws:SourceAccount / aws:SourceArn and does not say ECS sends those keys when it assumes them, so a
 * condition could make every deployment fail. The roles' permissions name this service's rules, target groups and
 * hook function only, so a confused deputy could do no more than this service's own deployment does.
 */
export function ecsControlPlane(): iam.IPrincipal {
  return new iam.ServicePrincipal("ecs.amazonaws.com");
}
