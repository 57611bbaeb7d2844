import { Capture, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { LogEncryptionKey } from "../../lib/constructs/log-encryption-key.ts";
import { GRANTS_ONLY_BY_AWS_SERVICES, keyStatement } from "../support/kms.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

describe("LogEncryptionKey", () => {
  let template: Template;
  let statements: Capture;
  beforeAll(() => {
    const stack = bareStack();
    new LogEncryptionKey(stack, "LogEncryptionKey");
    template = Template.fromStack(stack);
    statements = new Capture();
    template.hasResourceProperties("AWS::KMS::Key", { KeyPolicy: { Statement: statements } });
  });

  it("rotates yearly and is kept with the log groups it encrypts", () => {
    template.resourceCountIs("AWS::KMS::Key", 1);
    template.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365 },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("lets CloudWatch Logs of the region use it for this account's log groups only, as AWS documents it", () => {
    expect(keyStatement(statements.asArray(), "CloudWatchLogsOfThisAccount")).toEqual({
      Sid: "CloudWatchLogsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: `logs.${UNIT_ENV.region}.amazonaws.com` },
      Action: ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${UNIT_ENV.region}:${UNIT_ENV.account}:log-group:*`,
        },
      },
    });
  });

  it("lets no one but AWS services create grants on it, for AWS resources only (CT.KMS.PR.3)", () => {
    expect(keyStatement(statements.asArray(), GRANTS_ONLY_BY_AWS_SERVICES.Sid)).toEqual(GRANTS_ONLY_BY_AWS_SERVICES);
  });

  it("has no other statement than the account's administration of the key", () => {
    const others = (statements.asArray() as { Sid?: string }[]).filter((statement) => statement.Sid === undefined);
    expect(others).toEqual([
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${UNIT_ENV.account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ]);
  });
});
