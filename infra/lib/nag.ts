import { Stack, Validations } from "aws-cdk-lib";
import { flattenCfnReference } from "cdk-nag/lib/utils/flatten-cfn-reference.js";
import type { IConstruct } from "constructs";

/** One cdk-nag finding acknowledged on one resource, with the reason it does not apply THERE. */
export interface Suppression {
  /** Rule id, e.g. "AwsSolutions-S1". */
  id: string;
  reason: string;
  /** Individual findings of a multi-finding rule (IAM4/IAM5), e.g. "Resource::*"; each is acknowledged on its own. */
  appliesTo?: string[];
}

/**
 * Acknowledges findings on one resource and its own children (e.g. a role's default policy) — never stack-wide,
 * so every suppression sits next to the resource it is about (cdk-nag v3 reads CDK's Validations acknowledgements).
 */
export function suppress(resource: IConstruct, suppressions: readonly Suppression[]): void {
  const validations = Validations.of(resource);
  for (const { id, reason, appliesTo } of suppressions) {
    if (appliesTo) {
      for (const finding of appliesTo) validations.acknowledge({ id: `${id}[${finding}]`, reason });
    } else {
      validations.acknowledge({ id, reason });
    }
  }
}

/**
 * How cdk-nag's IAM5 names a wildcard resource of an IAM statement (`Resource::<flattened ARN>`), for `appliesTo`:
 * resolved in `scope`'s stack and flattened by cdk-nag's own function, so the acknowledgement matches the finding.
 * Only for values that resolve the same at construction and at synthesis (no cross-stack references).
 */
export function iamResourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}`;
}
