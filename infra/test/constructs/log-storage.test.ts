import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_ACCESS_LOG_PREFIX, LOAD_BALANCER_LOG_PREFIX, LogStorage } from "../../lib/constructs/log-storage.ts";
import { bucketPolicy, expiringLifecycle, PRIVATE, SSE_S3 } from "../support/buckets.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

function storage(region: string = UNIT_ENV.region): { stack: Stack; storage: LogStorage; template: Template } {
  const stack = bareStack({ ...UNIT_ENV, region });
  const construct = new LogStorage(stack, "Storage", { lifecycleDays: 45 });
  return { stack, storage: construct, template: Template.fromStack(stack) };
}

describe("LogStorage", () => {
  let s: ReturnType<typeof storage>;
  beforeAll(() => {
    s = storage();
  });

  it("keeps logs in one private, SSE-S3, versioned bucket that expires them after the given days", () => {
    s.template.resourceCountIs("AWS::S3::Bucket", 1);
    s.template.hasResource("AWS::S3::Bucket", {
      Properties: {
        BucketName: Match.absent(),
        BucketEncryption: SSE_S3,
        PublicAccessBlockConfiguration: PRIVATE,
        VersioningConfiguration: { Status: "Enabled" },
        LoggingConfiguration: Match.absent(),
        LifecycleConfiguration: expiringLifecycle("expire-logs", 45),
      },
      DeletionPolicy: "Retain",
    });
  });

  it("refuses any request over plain HTTP", () => {
    expect(bucketPolicy(s.stack, s.template, s.storage.logsBucket)).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("lets S3 deliver server access logs under s3/artifacts/, for this account's buckets only", () => {
    expect(bucketPolicy(s.stack, s.template, s.storage.logsBucket)).toContainEqual({
      Sid: "ServerAccessLogDelivery",
      Effect: "Allow",
      Action: "s3:PutObject",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Resource: {
        "Fn::Join": ["", [s.stack.resolve(s.storage.logsBucket.bucketArn), `/${ARTIFACT_ACCESS_LOG_PREFIX}/*`]],
      },
      Condition: {
        ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" },
        StringEquals: { "aws:SourceAccount": UNIT_ENV.account },
      },
    });
  });

  it("lets the region's ELB account deliver load balancer logs under alb/*/AWSLogs/<account>/ only", () => {
    expect(bucketPolicy(s.stack, s.template, s.storage.logsBucket)).toContainEqual({
      Sid: "LoadBalancerAccessLogDelivery",
      Effect: "Allow",
      Action: "s3:PutObject",
      Principal: { AWS: "arn:aws:iam::127311923021:root" }, // us-east-1's ELB account
      Resource: {
        "Fn::Join": [
          "",
          [
            s.stack.resolve(s.storage.logsBucket.bucketArn),
            `/${LOAD_BALANCER_LOG_PREFIX}/*/AWSLogs/${UNIT_ENV.account}/*`,
          ],
        ],
      },
    });
  });

  it("lets the log delivery service principal deliver them in regions opened since August 2022", () => {
    const newer = storage("ap-southeast-4");
    expect(bucketPolicy(newer.stack, newer.template, newer.storage.logsBucket)).toContainEqual(
      expect.objectContaining({
        Sid: "LoadBalancerAccessLogDelivery",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      }),
    );
  });
});
