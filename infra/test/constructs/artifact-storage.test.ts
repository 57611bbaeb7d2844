import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ArtifactStorage, LOAD_BALANCER_LOG_PREFIX } from "../../lib/constructs/artifact-storage.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

const BUCKET = "project-artifacts-123456789012-us-east-1";

function storage(region: string = UNIT_ENV.region): { stack: Stack; storage: ArtifactStorage; template: Template } {
  const stack = bareStack({ ...UNIT_ENV, region });
  const construct = new ArtifactStorage(stack, "Storage", { lifecycleDays: 45, artifactBucketName: BUCKET });
  return { stack, storage: construct, template: Template.fromStack(stack) };
}

const PRIVATE = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};
const SSE_S3 = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] };

/** The statements of a bucket's policy. */
function bucketPolicy(stack: Stack, template: Template, bucket: { bucketName: string }) {
  const policies = Object.values(
    template.findResources("AWS::S3::BucketPolicy", { Properties: { Bucket: stack.resolve(bucket.bucketName) } }),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
}

describe("ArtifactStorage", () => {
  let s: ReturnType<typeof storage>;
  beforeAll(() => {
    s = storage();
  });

  it("keeps artifacts in the named, versioned, private, SSE-S3 bucket, retained with the stack's deletion", () => {
    s.template.resourceCountIs("AWS::S3::Bucket", 2);
    s.template.hasResource("AWS::S3::Bucket", {
      Properties: {
        BucketName: BUCKET,
        BucketEncryption: SSE_S3,
        PublicAccessBlockConfiguration: PRIVATE,
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        VersioningConfiguration: { Status: "Enabled" },
      },
      DeletionPolicy: "Retain",
    });
  });

  it("expires artifacts after the given days, old versions after a day, unfinished uploads after a day", () => {
    s.template.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: BUCKET,
      LifecycleConfiguration: {
        Rules: [
          {
            Id: "expire-artifacts",
            Status: "Enabled",
            ExpirationInDays: 45,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
  });

  it("logs the artifact bucket's access into the logs bucket under s3/artifacts/", () => {
    s.template.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: BUCKET,
      LoggingConfiguration: {
        DestinationBucketName: s.stack.resolve(s.storage.logsBucket.bucketName),
        LogFilePrefix: "s3/artifacts/",
      },
    });
    // S3's log delivery may write there, for this bucket and account only.
    expect(bucketPolicy(s.stack, s.template, s.storage.logsBucket)).toContainEqual({
      Effect: "Allow",
      Action: "s3:PutObject",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Resource: { "Fn::Join": ["", [s.stack.resolve(s.storage.logsBucket.bucketArn), "/s3/artifacts/*"]] },
      Condition: {
        ArnLike: { "aws:SourceArn": s.stack.resolve(s.storage.artifactBucket.bucketArn) },
        StringEquals: { "aws:SourceAccount": UNIT_ENV.account },
      },
    });
  });

  it("refuses any request over plain HTTP, on both buckets", () => {
    for (const bucket of [s.storage.artifactBucket, s.storage.logsBucket]) {
      expect(bucketPolicy(s.stack, s.template, bucket)).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Action: "s3:*",
          Principal: { AWS: "*" },
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
    }
  });

  it("keeps logs in a private, SSE-S3, unversioned bucket that expires them after the given days", () => {
    s.template.hasResource("AWS::S3::Bucket", {
      Properties: {
        BucketName: Match.absent(),
        BucketEncryption: SSE_S3,
        PublicAccessBlockConfiguration: PRIVATE,
        VersioningConfiguration: Match.absent(),
        LoggingConfiguration: Match.absent(),
        LifecycleConfiguration: {
          Rules: [
            {
              Id: "expire-logs",
              Status: "Enabled",
              ExpirationInDays: 45,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
      },
      DeletionPolicy: "Retain",
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
