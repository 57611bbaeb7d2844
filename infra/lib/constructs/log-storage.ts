import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { RegionInfo } from "aws-cdk-lib/region-info";
import { Construct } from "constructs";
import { suppress } from "../nag.ts";

export interface LogStorageProps {
  /** Days after which access logs expire. */
  lifecycleDays: number;
}

/** Key prefix under which every service's load balancer writes its access logs (`<prefix>/<service>/AWSLogs/...`). */
export const LOAD_BALANCER_LOG_PREFIX = "alb";
/** Key prefix under which S3 writes the server access logs of every service's artifact bucket. */
export const ARTIFACT_ACCESS_LOG_PREFIX = "s3/artifacts";

/**
 * The bucket every access log lands in: each service's load balancer logs and the S3 server access logs of each
 * service's artifact bucket. Delivery is granted once, by prefix, so adding a service never changes this stack.
 *
 * SSE-S3, not KMS: ALB access logging supports only SSE-S3.
 */
export class LogStorage extends Construct {
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogStorageProps) {
    super(scope, id);
    this.logsBucket = new s3.Bucket(this, "LogsBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // A deleted or overwritten log stays a day as a noncurrent version (CT.S3.PR.11); logs are written once, so
      // versioning costs nothing else.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: "expire-logs",
          expiration: Duration.days(props.lifecycleDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    suppress(this.logsBucket, [
      {
        id: "AwsSolutions-S1",
        reason: "This is the access-log bucket itself; logging its own accesses into itself would loop.",
      },
    ]);
    this.grantLoadBalancerLogDelivery();
    this.grantServerAccessLogDelivery();
  }

  /**
   * Lets Elastic Load Balancing write access logs under alb/. Regions opened before August 2022 deliver as a
   * regional ELB account, newer ones as the log-delivery service principal (the rule CDK's own `logAccessLogs`
   * follows).
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

  /**
   * Lets S3 write the server access logs of this account's buckets under s3/artifacts/ (what a bucket's
   * serverAccessLogsBucket setting would add, once here instead of from every service stack).
   */
  private grantServerAccessLogDelivery(): void {
    const stack = Stack.of(this);
    this.logsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "ServerAccessLogDelivery",
        principals: [new iam.ServicePrincipal("logging.s3.amazonaws.com")],
        actions: ["s3:PutObject"],
        resources: [this.logsBucket.arnForObjects(`${ARTIFACT_ACCESS_LOG_PREFIX}/*`)],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: { "aws:SourceArn": `arn:${stack.partition}:s3:::*` },
        },
      }),
    );
  }
}
