// Test support: the key policy statements the app's customer-managed keys must carry.

/** CT.KMS.PR.3: only AWS services may create grants, and only for AWS resources. */
export const GRANTS_ONLY_BY_AWS_SERVICES = {
  Sid: "GrantsOnlyByAwsServicesForAwsResources",
  Effect: "Deny",
  Principal: { AWS: "*" },
  Action: "kms:CreateGrant",
  Resource: "*",
  Condition: { BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" } },
};

/** A key's policy statements, by Sid. */
export function keyStatement(statements: unknown, sid: string): unknown {
  return (statements as { Sid?: string }[]).find((statement) => statement.Sid === sid);
}
