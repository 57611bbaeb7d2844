import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { RegionInfo } from "aws-cdk-lib/region-info";
import { Construct } from "constructs";
import { suppress } from "../nag.ts";

export interface ArtifactStorageProps {
  /** Days after which pipeline artifacts and access logs expire. */
  lifecycleDays: number;
  /** The artifact bucket's name (the service stacks import it by name). */
  artifactBucketName: string;
}

/** Key prefix under which every service's load balancer writes its access logs (`<prefix>/<service>/AWSLogs/...`). */
export const LOAD_BALANCER_LOG_PREFIX = "alb";

/**
 * The artifact bucket the pipelines share, and the bucket every access log lands in (S3 server access logs of the
 * artifact bucket, and each service's load balancer logs).
 *
 * Both use SSE-S3, not KMS: ALB access logging supports only SSE-S3, and the artifacts stay inside one account, so a
 * customer-managed key would add a key policy to keep in step with every pipeline role (and KMS request costs)
 * without narrowing who can read them — bucket policy and IAM already do that.
 */
export class ArtifactStorage extends Construct {
  readonly artifactBucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactStorageProps) {
    super(scope, id);
    const expiry = Duration.days(props.lifecycleDays);

    this.logsBucket = new s3.Bucket(this, "LogsBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: "expire-logs", expiration: expiry, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    suppress(this.logsBucket, [
      {
        id: "AwsSolutions-S1",
        reason: "This is the access-log bucket itself; logging its own accesses into itself would loop.",
      },
    ]);
    this.grantLoadBalancerLogDelivery();

    this.artifactBucket = new s3.Bucket(this, "ArtifactBucket", {
      bucketName: props.artifactBucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: "s3/artifacts/",
      lifecycleRules: [
        {
          id: "expire-artifacts",
          expiration: expiry,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /**
   * Lets Elastic Load Balancing write access logs under alb/ — granted once here, so adding a service never
   * changes this stack. Regions opened before August 2022 deliver as a regional ELB account, newer ones as the
   * log-delivery service principal (the rule CDK's own `logAccessLogs` follows).
   */
  private grantLoadBalancerLogDelivery(): void {
    const stack = Stack.of(this);
    const elbAccount = RegionInfo.get(stack.region).elbv2Account;
    const principal = elbAccount
      ? new iam.AccountPrincipal(elbAccount)
      : new iam.ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com");
    this.logsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "LoadBalancerAccessLogDelivery",
        principals: [principal],
        actions: ["s3:PutObject"],
        resources: [this.logsBucket.arnForObjects(`${LOAD_BALANCER_LOG_PREFIX}/*/AWSLogs/${stack.account}/*`)],
      }),
    );
  }
}
