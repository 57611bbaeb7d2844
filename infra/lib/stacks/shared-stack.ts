import {
  type DeploymentConfig,
  type DeploymentEnvironment,
  projectNames,
  SOURCE_ACTION_NAME,
} from "@repo/service-contract";
import { CfnOutput, Fn, Stack, type StackProps } from "aws-cdk-lib";
import type * as codecommit from "aws-cdk-lib/aws-codecommit";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { LogStorage } from "../constructs/log-storage.ts";
import { Network } from "../constructs/network.ts";
import { NotificationTopic } from "../constructs/notification-topic.ts";
import { PushRouter } from "../constructs/push-router.ts";
import { SharedLoadBalancers } from "../constructs/shared-load-balancers.ts";
import { SourceRepository } from "../constructs/source-repository.ts";
import { suppress } from "../nag.ts";

export interface SharedStackProps extends StackProps {
  config: DeploymentConfig;
  environment: DeploymentEnvironment;
  configFile: string;
  logRetention: logs.RetentionDays;
  /** Every service pipeline's name -> its trigger paths (the CodeCommit push router starts them). */
  pipelines: Readonly<Record<string, readonly string[]>>;
  /** The shared load balancers the services on them use, by index. */
  sharedLoadBalancerIndexes: readonly number[];
}

/**
 * What every service stack shares: the VPC, the ECS cluster, the access-log bucket, the alarm topic, the
 * pipelines' notification topic and, with a CodeCommit source, the repository and the push router.
 */
export class SharedStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly egressCidrs: string[];
  readonly cluster: ecs.Cluster;
  readonly logsBucket: s3.IBucket;
  /** Receives deployment alarms when `notificationEmail` is configured. */
  readonly alarmTopic?: sns.ITopic;
  /** Receives every pipeline's failed / succeeded executions (and approvals); e-mail when configured. */
  readonly notificationTopic: sns.ITopic;
  /** The CodeCommit repository (CodeCommit source only). */
  readonly sourceRepository?: codecommit.IRepository;
  /** Starts the pipelines a CodeCommit push affects (CodeCommit source with at least one service only). */
  readonly pushRouter?: PushRouter;
  /** The load balancers ECS-engine services share (only those some service uses). */
  readonly sharedLoadBalancers: SharedLoadBalancers;

  constructor(scope: Construct, id: string, props: SharedStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = projectNames(config.projectName);

    const network = new Network(this, "Network", {
      network: config.network,
      environment: props.environment,
      logRetention: props.logRetention,
      configFile: props.configFile,
    });
    this.vpc = network.vpc;
    this.egressCidrs = network.egressCidrs;

    this.cluster = new ecs.Cluster(this, "Cluster", {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    this.logsBucket = new LogStorage(this, "Storage", { lifecycleDays: config.artifactLifecycleDays }).logsBucket;

    if (config.notificationEmail) {
      const topic = new sns.Topic(this, "AlarmTopic", { enforceSSL: true });
      topic.addSubscription(new subscriptions.EmailSubscription(config.notificationEmail));
      suppress(topic, [
        {
          id: "AwsSolutions-SNS2",
          reason:
            "CloudWatch alarm actions cannot publish to a topic encrypted with the AWS-managed SNS key, and the " +
            "messages carry only alarm names and states; a customer-managed key would cost more than it protects.",
        },
      ]);
      this.alarmTopic = topic;
    }

    this.notificationTopic = new NotificationTopic(this, "PipelineNotifications", {
      topicName: names.notificationTopic,
      email: config.notificationEmail,
    }).topic;
    new CfnOutput(this, "PipelineNotificationTopicArn", { value: this.notificationTopic.topicArn });

    if (config.source.type === "codecommit") {
      const source = new SourceRepository(this, "Source", { source: config.source, projectName: config.projectName });
      this.sourceRepository = source.repository;
      new CfnOutput(this, "SourceRepositoryName", { value: config.source.repositoryName });
      new CfnOutput(this, "SourceRepositoryCloneUrlGrc", {
        value: source.repository.repositoryCloneUrlGrc,
        description: "git remote add aws <this> (needs git-remote-codecommit), then push the branch",
      });
      if (Object.keys(props.pipelines).length > 0) {
        this.pushRouter = new PushRouter(this, "PushRouter", {
          functionName: names.pushRouterFunction,
          repository: source.repository,
          repositoryName: config.source.repositoryName,
          branch: config.source.branch,
          sourceActionName: SOURCE_ACTION_NAME,
          pipelines: props.pipelines,
          logRetention: props.logRetention,
          alarmTopic: this.alarmTopic,
        });
        new CfnOutput(this, "PushRouterFunctionName", { value: this.pushRouter.function.functionName });
      }
    }

    this.sharedLoadBalancers = new SharedLoadBalancers(this, "SharedLoadBalancers", {
      vpc: this.vpc,
      indexes: props.sharedLoadBalancerIndexes,
      ...(config.certificateArn ? { certificateArn: config.certificateArn } : {}),
      testListenerPort: config.testListenerPort,
      testListenerAllowedCidrs: [...config.testListenerAllowedCidrs, ...this.egressCidrs],
      logsBucket: this.logsBucket,
    });
    for (const [index, loadBalancer] of this.sharedLoadBalancers.all) {
      new CfnOutput(this, `SharedLoadBalancer${index}Url`, { value: loadBalancer.alb.url });
    }

    new CfnOutput(this, "ClusterName", { value: this.cluster.clusterName });
    new CfnOutput(this, "VpcId", { value: this.vpc.vpcId });
    new CfnOutput(this, "LogsBucketName", { value: this.logsBucket.bucketName });
  }

  /**
   * Availability zones without a context lookup: `Fn::GetAZs` resolves them at deploy time, so `cdk synth` needs
   * no credentials even though the stack has a concrete account and region.
   */
  override get availabilityZones(): string[] {
    return [0, 1, 2, 3, 4, 5].map((index) => Fn.select(index, Fn.getAzs()));
  }
}
