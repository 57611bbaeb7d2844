import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { limitGrantsToAwsServices } from "../key-policy.ts";

/**
 * The customer-managed key a stack's CloudWatch log groups are encrypted with (CT.CLOUDWATCH.PR.3). Its policy lets
 * CloudWatch Logs of this region use it for this account's log groups only (the log group ARN CloudWatch Logs puts
 * in the encryption context), as AWS documents it; readers of the logs need no key permission, CloudWatch Logs
 * decrypts for them. Rotated yearly; kept when the stack is deleted, like the log groups it protects (their data
 * would be unreadable without it).
 */
export class LogEncryptionKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, "Key", {
      description: `${stack.stackName}: encrypts the stack's CloudWatch log groups`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchLogsOfThisAccount",
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": stack.formatArn({
              service: "logs",
              resource: "log-group",
              resourceName: "*",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    limitGrantsToAwsServices(this.key);
  }
}
