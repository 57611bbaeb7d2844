import { Validations } from "aws-cdk-lib";
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
