import { Template } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { ArtifactBucket } from "../../lib/constructs/artifact-bucket.ts";
import { bucketPolicy, expiringLifecycle, PRIVATE, SSE_KMS_AWS_MANAGED } from "../support/buckets.ts";
import { bareStack, LOGS_BUCKET_NAME } from "../support/stack.ts";

describe("ArtifactBucket", () => {
  const stack = bareStack();
  const artifacts = new ArtifactBucket(stack, "Artifacts", {
    serviceName: "orders",
    lifecycleDays: 45,
    logsBucket: s3.Bucket.fromBucketName(stack, "Logs", LOGS_BUCKET_NAME),
  });
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(stack);
  });

  it("is one versioned, private bucket of the service's own, SSE-KMS with aws/s3, named by CloudFormation, kept", () => {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    template.hasResource("AWS::S3::Bucket", {
      Properties: {
        BucketEncryption: SSE_KMS_AWS_MANAGED,
        PublicAccessBlockConfiguration: PRIVATE,
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        VersioningConfiguration: { Status: "Enabled" },
      },
      DeletionPolicy: "Retain",
    });
    expect(
      template.toJSON().Resources[stack.getLogicalId(artifacts.bucket.node.defaultChild as s3.CfnBucket)].Properties
        .BucketName,
    ).toBeUndefined();
  });

  it("expires artifacts after the given days, old versions after a day, unfinished uploads after a day", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: expiringLifecycle("expire-artifacts", 45),
    });
  });

  it("logs its access into the shared log bucket under s3/artifacts/<service>/, changing nothing there", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      LoggingConfiguration: { DestinationBucketName: LOGS_BUCKET_NAME, LogFilePrefix: "s3/artifacts/orders/" },
    });
    // The log bucket's policy lives in the shared stack and already admits S3's delivery by prefix.
    expect(bucketPolicy(stack, template, artifacts.bucket)).toHaveLength(1);
  });

  it("refuses any request over plain HTTP", () => {
    expect(bucketPolicy(stack, template, artifacts.bucket)).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });
});
