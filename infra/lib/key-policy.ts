import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";

/**
 * Denies kms:CreateGrant on the key to everyone except AWS services creating grants for AWS resources (CT.KMS.PR.3):
 * a principal the key policy or an IAM policy admits cannot hand the key on to another principal through a grant.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "GrantsOnlyByAwsServicesForAwsResources",
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ["kms:CreateGrant"],
      resources: ["*"],
      conditions: {
        BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" },
      },
    }),
  );
}
