import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import { limitGrantsToAwsServices } from "../key-policy.ts";

/** The services allowed to publish pipeline notifications to the topic. */
export const NOTIFICATION_PUBLISHERS = ["codestar-notifications.amazonaws.com", "events.amazonaws.com"] as const;

export interface NotificationTopicProps {
  /** Explicit topic name (the pipelines' notification rules find it by ARN). */
  topicName: string;
  /** Subscribed by e-mail when set (the address must confirm the subscription). */
  email?: string;
}

/**
 * The topic the pipelines report to (execution failed / succeeded, approval needed), encrypted with its own KMS key.
 * AWS-managed keys cannot be used here: their key policy cannot let CodeStar Notifications or EventBridge encrypt,
 * so the topic gets a customer-managed key (rotated yearly) whose policy admits exactly those publishers, from this
 * account only, and lets no one but AWS services create grants on it. The topic policy lets them publish, over TLS,
 * and nothing else.
 */
export class NotificationTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;

    this.key = new kms.Key(this, "Key", {
      description: `${props.topicName}: encrypts pipeline notifications`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "NotificationPublishers",
        principals: NOTIFICATION_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": account } },
      }),
    );
    limitGrantsToAwsServices(this.key);

    this.topic = new sns.Topic(this, "Topic", {
      topicName: props.topicName,
      displayName: "Pipeline notifications",
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "NotificationPublishers",
        principals: NOTIFICATION_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { "aws:SourceAccount": account } },
      }),
    );
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }
}
