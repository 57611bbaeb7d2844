import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

export interface DeploymentAlarmsProps {
  /** The two target groups: each task set is judged on the traffic of its own group. */
  targetGroups: { name: string; group: elbv2.ApplicationTargetGroup }[];
  /** Share of a group's responses that are 5xx (two minutes running) that fails a deployment. */
  target5xxPercent: number;
  /** Below this many requests a minute a group's 5xx share does not count (a handful of test requests). */
  minimumRequestsPerMinute: number;
  p95ResponseTimeSeconds: number;
  /** Notified on alarm and on recovery, when configured. */
  topic?: sns.ITopic;
}

/**
 * The alarms that stop and roll back a deployment, per target group: the share of 5xx responses, unhealthy targets,
 * and p95 response time. Judged per group, not over the whole load balancer, so errors or load on the old task set
 * do not roll back a good new one, and the new one's errors are not diluted by the old one's traffic during a canary.
 * Missing data (an empty group) is not a breach.
 */
export class DeploymentAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    this.alarms = props.targetGroups.flatMap(({ name, group }) => {
      const requests = group.metrics.requestCount({ period, statistic: cloudwatch.Stats.SUM });
      const errors = group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        period,
        statistic: cloudwatch.Stats.SUM,
      });
      const errorShare = new cloudwatch.MathExpression({
        expression: `IF(requests >= ${props.minimumRequestsPerMinute}, 100 * FILL(errors, 0) / requests, 0)`,
        usingMetrics: { requests, errors },
        period,
        label: `${name} target group: 5xx share of responses (%)`,
      });
      return [
        errorShare.createAlarm(this, `${name}5xxShare`, {
          alarmDescription: `${props.target5xxPercent}%+ of the ${name.toLowerCase()} target group's responses were 5xx, two minutes running`,
          threshold: props.target5xxPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        group.metrics
          .unhealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM })
          .createAlarm(this, `${name}Unhealthy`, {
            alarmDescription: `A target in the ${name.toLowerCase()} target group is unhealthy`,
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        group.metrics
          .targetResponseTime({ period, statistic: cloudwatch.Stats.percentile(95) })
          .createAlarm(this, `${name}P95ResponseTime`, {
            alarmDescription: `p95 response time of the ${name.toLowerCase()} target group above ${props.p95ResponseTimeSeconds} s, three minutes running`,
            threshold: props.p95ResponseTimeSeconds,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      ];
    });
    if (props.topic) {
      const action = new actions.SnsAction(props.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
