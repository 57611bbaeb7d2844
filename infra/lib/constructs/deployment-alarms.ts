import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import type { ServiceLoadBalancer } from "./service-load-balancer.ts";

export interface DeploymentAlarmsProps {
  loadBalancer: ServiceLoadBalancer;
  target5xxPerMinute: number;
  p95ResponseTimeSeconds: number;
  /** Notified on alarm and on recovery, when configured. */
  topic?: sns.ITopic;
}

/**
 * The alarms that stop and roll back a deployment: target 5xx, unhealthy hosts in either target group (the old
 * one or the new one), and p95 response time. Missing data (an empty target group) is not a breach.
 */
export class DeploymentAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const { loadBalancer, blueTargetGroup, greenTargetGroup } = props.loadBalancer;
    const period = Duration.minutes(1);

    const target5xx = loadBalancer.metrics
      .httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, "Target5xx", {
        alarmDescription: `Targets answered ${props.target5xxPerMinute}+ 5xx responses a minute, two minutes running`,
        threshold: props.target5xxPerMinute,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const unhealthy = (name: string, group: elbv2.ApplicationTargetGroup) =>
      group.metrics.unhealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM }).createAlarm(this, name, {
        alarmDescription: `A target in the ${name.replace("Unhealthy", "").toLowerCase()} target group is unhealthy`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const latency = loadBalancer.metrics
      .targetResponseTime({ period, statistic: cloudwatch.Stats.percentile(95) })
      .createAlarm(this, "P95ResponseTime", {
        alarmDescription: `p95 target response time above ${props.p95ResponseTimeSeconds} s, three minutes running`,
        threshold: props.p95ResponseTimeSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    this.alarms = [
      target5xx,
      unhealthy("UnhealthyBlue", blueTargetGroup),
      unhealthy("UnhealthyGreen", greenTargetGroup),
      latency,
    ];
    if (props.topic) {
      const action = new actions.SnsAction(props.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
