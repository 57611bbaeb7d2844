import { Annotations, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { ARTIFACT_ACCESS_LOG_PREFIX } from "./log-storage.ts";

export interface ArtifactBucketProps {
  serviceName: string;
  /** Days after which artifacts expire. */
  lifecycleDays: number;
  /** The shared access-log bucket (imported by name: its policy already admits S3's log delivery by prefix). */
  logsBucket: s3.IBucket;
}

/**
 * One service's pipeline artifacts (Source, Build output: taskdef.json, appspec.yaml, imageDetail.json), in a bucket
 * of its own: only that pipeline's roles are granted on it, so a compromised build of another service (its project
 * runs privileged) cannot rewrite this service's deployment in flight.
 *
 * TLS only; encrypted by default with the account's AWS-managed S3 key (aws/s3, SSE-KMS, CT.S3.PR.10), the key
 * CodePipeline writes its artifacts with anyway. Its key policy admits this account's principals through S3 only,
 * so the roles need no KMS permission; an S3 Bucket Key keeps the KMS requests (and their cost) to a few per build.
 */
export class ArtifactBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    const expiry = Duration.days(props.lifecycleDays);
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.logsBucket,
      serverAccessLogsPrefix: `${ARTIFACT_ACCESS_LOG_PREFIX}/${props.serviceName}/`,
      lifecycleRules: [
        {
          id: "expire-artifacts",
          expiration: expiry,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    Annotations.of(this.bucket).acknowledgeWarning(
      "@aws-cdk/aws-s3:accessLogsPolicyNotAdded",
      "The shared logs bucket's own policy (LogStorage, ServerAccessLogDelivery) admits S3's log delivery under " +
        `${ARTIFACT_ACCESS_LOG_PREFIX}/ for this account's buckets; an imported bucket's policy cannot be edited here.`,
    );
  }
}
