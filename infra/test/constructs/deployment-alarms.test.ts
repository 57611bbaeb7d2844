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
    targetGroups: [
      { name: "Blue", group: lb.blueTargetGroup },
      { name: "Green", group: lb.greenTargetGroup },
    ],
    target5xxPercent: 7,
    minimumRequestsPerMinute: 30,
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
  const groups = () => [lb.blueTargetGroup, lb.greenTargetGroup];
  const dimensionsOf = (group: ServiceLoadBalancer["blueTargetGroup"]) =>
    Match.arrayWith([{ Name: "TargetGroup", Value: stack.resolve(group.targetGroupFullName) }]);

  it("exposes three alarms per target group, the ones the deployment strategy stops and rolls back on", () => {
    template.resourceCountIs("AWS::CloudWatch::Alarm", 6);
    expect(construct.alarms).toHaveLength(6);
  });

  it("judges each target group on its own 5xx share, once it serves enough requests, two minutes running", () => {
    for (const group of groups()) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Threshold: 7,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: "IF(requests >= 30, 100 * FILL(errors, 0) / requests, 0)" }),
          Match.objectLike({
            Id: "requests",
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: "RequestCount", Dimensions: dimensionsOf(group) }),
            }),
          }),
          Match.objectLike({
            Id: "errors",
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: "HTTPCode_Target_5XX_Count", Dimensions: dimensionsOf(group) }),
              Stat: "Sum",
            }),
          }),
        ]),
      });
    }
  });

  it("never counts the whole load balancer: every metric of every alarm names a target group", () => {
    const dimensions = Object.values(template.findResources("AWS::CloudWatch::Alarm")).flatMap((alarm) => {
      const properties = alarm.Properties as {
        Dimensions?: { Name: string }[];
        Metrics?: { MetricStat?: { Metric: { Dimensions: { Name: string }[] } } }[];
      };
      const fromMetrics = (properties.Metrics ?? []).flatMap((m) =>
        m.MetricStat ? [m.MetricStat.Metric.Dimensions] : [],
      );
      return properties.Dimensions ? [properties.Dimensions, ...fromMetrics] : fromMetrics;
    });
    expect(dimensions).toHaveLength(8);
    for (const set of dimensions) expect(set.map((d) => d.Name)).toContain("TargetGroup");
  });

  it.each([
    [
      "an unhealthy host",
      {
        MetricName: "UnHealthyHostCount",
        Statistic: "Maximum",
        Threshold: 1,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
      },
    ],
    [
      "a p95 response time above the threshold, three minutes running",
      {
        MetricName: "TargetResponseTime",
        ExtendedStatistic: "p95",
        Threshold: 1.5,
        ComparisonOperator: "GreaterThanThreshold",
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      },
    ],
  ])("alarms on %s in either target group", (_what, alarm) => {
    for (const group of groups()) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", { ...alarm, Dimensions: dimensionsOf(group) });
    }
  });

  it("treats missing data (an empty target group) as not breaching, everywhere", () => {
    template.allResourcesProperties("AWS::CloudWatch::Alarm", { TreatMissingData: "notBreaching" });
  });

  it("notifies no one without a topic, and the topic on alarm and recovery with one", () => {
    template.allResourcesProperties("AWS::CloudWatch::Alarm", {
      AlarmActions: Match.absent(),
      OKActions: Match.absent(),
    });
    alarms(true).template.allResourcesProperties("AWS::CloudWatch::Alarm", {
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    });
  });
});
