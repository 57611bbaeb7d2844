import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as sns from "aws-cdk-lib/aws-sns";
import { beforeAll, describe, expect, it } from "vitest";
import { DeploymentAlarms } from "../../lib/constructs/deployment-alarms.ts";
import type { ServiceLoadBalancer } from "../../lib/constructs/service-load-balancer.ts";
import { bareStack, serviceLoadBalancer } from "../support/stack.ts";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms";

function alarms(topic: boolean): {
  stack: Stack;
  lb: ServiceLoadBalancer;
  alarms: DeploymentAlarms;
  template: Template;
} {
  const stack = bareStack();
  const lb = serviceLoadBalancer(stack);
  const construct = new DeploymentAlarms(stack, "Alarms", {
    loadBalancer: lb,
    target5xxPerMinute: 7,
    p95ResponseTimeSeconds: 1.5,
    ...(topic ? { topic: sns.Topic.fromTopicArn(stack, "Topic", TOPIC) } : {}),
  });
  return { stack, lb, alarms: construct, template: Template.fromStack(stack) };
}

describe("DeploymentAlarms", () => {
  let stack: Stack;
  let lb: ServiceLoadBalancer;
  let construct: DeploymentAlarms;
  let template: Template;
  beforeAll(() => {
    ({ stack, lb, alarms: construct, template } = alarms(false));
  });

  it("exposes its four alarms, the ones the deployment strategy stops and rolls back on", () => {
    template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
    expect(construct.alarms).toHaveLength(4);
  });

  it("alarms on the targets' 5xx count at the threshold per minute, two minutes running", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/ApplicationELB",
      MetricName: "HTTPCode_Target_5XX_Count",
      Dimensions: [{ Name: "LoadBalancer", Value: stack.resolve(lb.loadBalancer.loadBalancerFullName) }],
      Statistic: "Sum",
      Period: 60,
      Threshold: 7,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it("alarms on an unhealthy host in EITHER target group (the old task set or the new one)", () => {
    for (const group of [lb.blueTargetGroup, lb.greenTargetGroup]) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "UnHealthyHostCount",
        Dimensions: Match.arrayWith([{ Name: "TargetGroup", Value: stack.resolve(group.targetGroupFullName) }]),
        Statistic: "Maximum",
        Period: 60,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
      });
    }
    template.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", { MetricName: "UnHealthyHostCount" }, 2);
  });

  it("alarms on p95 target response time above the threshold, three minutes running", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "TargetResponseTime",
      Dimensions: [{ Name: "LoadBalancer", Value: stack.resolve(lb.loadBalancer.loadBalancerFullName) }],
      ExtendedStatistic: "p95",
      Statistic: Match.absent(),
      Threshold: 1.5,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it("treats missing data (an empty target group) as not breaching, everywhere", () => {
    template.allResourcesProperties("AWS::CloudWatch::Alarm", { TreatMissingData: "notBreaching" });
  });

  it("notifies no one without a topic", () => {
    template.allResourcesProperties("AWS::CloudWatch::Alarm", {
      AlarmActions: Match.absent(),
      OKActions: Match.absent(),
    });
  });

  it("notifies the topic on alarm and on recovery when one is given", () => {
    const { template: notified } = alarms(true);
    notified.allResourcesProperties("AWS::CloudWatch::Alarm", { AlarmActions: [TOPIC], OKActions: [TOPIC] });
  });
});
