// Test support: what every bucket of the app must look like, and a bucket's policy statements.
import type { Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { expect } from "vitest";

export const PRIVATE = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};
export const SSE_S3 = {
  ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
};
/** SSE-KMS with the account's AWS-managed S3 key (no key id), through an S3 Bucket Key. */
export const SSE_KMS_AWS_MANAGED = {
  ServerSideEncryptionConfiguration: [
    { ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" }, BucketKeyEnabled: true },
  ],
};

/** The statements of a bucket's one policy. */
export function bucketPolicy(stack: Stack, template: Template, bucket: { bucketName: string }) {
  const policies = Object.values(
    template.findResources("AWS::S3::BucketPolicy", { Properties: { Bucket: stack.resolve(bucket.bucketName) } }),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
}

/** The lifecycle every bucket of the app has: objects expire after `days`, old versions and unfinished uploads after a day. */
export function expiringLifecycle(id: string, days: number) {
  return {
    Rules: [
      {
        Id: id,
        Status: "Enabled",
        ExpirationInDays: days,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ],
  };
}
