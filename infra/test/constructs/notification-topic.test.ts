import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_PUBLISHERS, NotificationTopic } from "../../lib/constructs/notification-topic.ts";
import { GRANTS_ONLY_BY_AWS_SERVICES, keyStatement } from "../support/kms.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

function notificationTopic(email?: string): { stack: Stack; topic: NotificationTopic; template: Template } {
  const stack = bareStack();
  const topic = new NotificationTopic(stack, "Notifications", {
    topicName: "project-pipelines",
    ...(email ? { email } : {}),
  });
  return { stack, topic, template: Template.fromStack(stack) };
}

const FROM_THIS_ACCOUNT = { StringEquals: { "aws:SourceAccount": UNIT_ENV.account } };

describe("NotificationTopic", () => {
  let n: ReturnType<typeof notificationTopic>;
  beforeAll(() => {
    n = notificationTopic();
  });

  it("is the named topic, encrypted with its own key", () => {
    n.template.hasResourceProperties("AWS::SNS::Topic", {
      TopicName: "project-pipelines",
      DisplayName: "Pipeline notifications",
      KmsMasterKeyId: n.stack.resolve(n.topic.key.keyArn),
    });
  });

  it("rotates its key yearly, with a 7-day deletion window", () => {
    n.template.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 7 },
      DeletionPolicy: "Delete",
    });
  });

  it("lets only the notification publishers use the key, from this account", () => {
    const statements = new Capture();
    n.template.hasResourceProperties("AWS::KMS::Key", { KeyPolicy: { Statement: statements } });
    const publishers = (statements.asArray() as { Sid?: string }[]).filter((st) => st.Sid === "NotificationPublishers");
    expect(publishers).toEqual([
      {
        Sid: "NotificationPublishers",
        Effect: "Allow",
        Principal: { Service: [...NOTIFICATION_PUBLISHERS] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: FROM_THIS_ACCOUNT,
      },
    ]);
    expect(NOTIFICATION_PUBLISHERS).toEqual(["codestar-notifications.amazonaws.com", "events.amazonaws.com"]);
  });

  it("lets no one but AWS services create grants on the key, for AWS resources only (CT.KMS.PR.3)", () => {
    const statements = new Capture();
    n.template.hasResourceProperties("AWS::KMS::Key", { KeyPolicy: { Statement: statements } });
    expect(keyStatement(statements.asArray(), GRANTS_ONLY_BY_AWS_SERVICES.Sid)).toEqual(GRANTS_ONLY_BY_AWS_SERVICES);
  });

  it("lets the publishers publish to this topic, from this account, and refuses plain HTTP", () => {
    n.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [n.stack.resolve(n.topic.topic.topicArn)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          {
            Sid: "NotificationPublishers",
            Effect: "Allow",
            Principal: { Service: [...NOTIFICATION_PUBLISHERS] },
            Action: "sns:Publish",
            Resource: n.stack.resolve(n.topic.topic.topicArn),
            Condition: FROM_THIS_ACCOUNT,
          },
        ]),
      },
    });
  });

  it("has no subscription without an e-mail address", () => {
    n.template.resourceCountIs("AWS::SNS::Subscription", 0);
  });

  it("subscribes the e-mail address when one is given", () => {
    const { stack, topic, template } = notificationTopic("ops@example.com");
    template.resourceCountIs("AWS::SNS::Subscription", 1);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: stack.resolve(topic.topic.topicArn),
    });
  });
});
