import { AspectPriority, Aspects, CfnResource, type IAspect, type Stack } from "aws-cdk-lib";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";
import { LogEncryptionKey } from "../constructs/log-encryption-key.ts";

/** Container Insights as CT.ECS.PR.2 accepts it: "enabled" (the control does not know "enhanced"). */
export const CONTROL_TOWER_CONTAINER_INSIGHTS = "enabled";

/**
 * What the control-tower compliance level changes in a stack, on every resource of a kind, whoever created it (the
 * constructs of this app, CDK's own handlers, constructs added later), so no construct needs to know the level:
 * - every CloudWatch log group is encrypted with the stack's own customer-managed key (CT.CLOUDWATCH.PR.3; a key per
 *   stack because the control accepts a key of the same template only, not one imported from the shared stack);
 * - every load balancer has deletion protection (CT.ELASTICLOADBALANCING.PR.5): `cdk destroy` fails on it until it is
 *   turned off (docs/security.md);
 * - ECS clusters run Container Insights "enabled" instead of "enhanced" (CT.ECS.PR.2);
 * - every S3 bucket sends its events to EventBridge (CT.S3.PR.4; free, and what a security team's rules listen to).
 * The retention of a year (CT.CLOUDWATCH.PR.2) comes from the configuration, which refuses less at this level.
 */
export function applyControlTowerLevel(stack: Stack): void {
  const hasLogGroups = stack.node.findAll().some(
    (node) =>
      node instanceof logs.CfnLogGroup ||
      // Every Lambda function gets a log group (its own, or LambdaLogRetention's).
      (CfnResource.isCfnResource(node) && node.cfnResourceType === "AWS::Lambda::Function"),
  );
  const key = hasLogGroups ? new LogEncryptionKey(stack, "LogEncryptionKey").key : undefined;
  // After MUTATING aspects such as LambdaLogRetention, so the log groups they add are encrypted too.
  Aspects.of(stack).add(new ControlTowerLevel(key), { priority: AspectPriority.MUTATING + 1 });
}

class ControlTowerLevel implements IAspect {
  private readonly logKey: kms.IKey | undefined;

  constructor(logKey: kms.IKey | undefined) {
    this.logKey = logKey;
  }

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) {
      if (!this.logKey) throw new Error(`${node.node.path}: a log group appeared after the stack's key was decided`);
      node.kmsKeyId = this.logKey.keyArn;
    } else if (node instanceof elbv2.ApplicationLoadBalancer || node instanceof elbv2.NetworkLoadBalancer) {
      node.setAttribute("deletion_protection.enabled", "true");
    } else if (node instanceof ecs.CfnCluster) {
      node.clusterSettings = [{ name: "containerInsights", value: CONTROL_TOWER_CONTAINER_INSIGHTS }];
    } else if (node instanceof s3.CfnBucket && node.notificationConfiguration === undefined) {
      node.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}
