import type { ServiceManifest } from "@repo/service-contract";
import { Aws, Duration } from "aws-cdk-lib";
import * as appscaling from "aws-cdk-lib/aws-applicationautoscaling";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import type { DeploymentStrategy } from "./deployment-strategy.ts";
import type { ServiceTraffic } from "./service-traffic.ts";

/** Time a new task gets before failing load balancer health checks count against it. */
export const HEALTH_CHECK_GRACE_PERIOD = Duration.seconds(30);

export interface BlueGreenFargateServiceProps {
  cluster: ecs.ICluster;
  manifest: ServiceManifest;
  taskDefinition: ecs.FargateTaskDefinition;
  containerName: string;
  /** Its two target groups and the load balancer's security group, whichever load balancer carries them. */
  traffic: ServiceTraffic;
  /** Who deploys new task sets: it sets the controller and attaches the service to its traffic. */
  strategy: DeploymentStrategy;
}

/**
 * The Fargate service in the private subnets, reachable only from its load balancer, scaled on CPU and on
 * requests per task. It names its task definition BY FAMILY: CloudFormation then never updates the task definition
 * of a service whose deployments CodeDeploy controls (it could not: "Unable to update task definition on services
 * with a CODE_DEPLOY deployment controller"); the pipeline registers new revisions of the family instead.
 */
export class BlueGreenFargateService extends Construct {
  readonly service: ecs.FargateService;
  readonly securityGroup: ec2.SecurityGroup;
  readonly scalableTarget: appscaling.ScalableTarget;

  constructor(scope: Construct, id: string, props: BlueGreenFargateServiceProps) {
    super(scope, id);
    const { manifest, traffic } = props;

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.cluster.vpc,
      description: `${manifest.name} tasks`,
      // Tasks pull images, read secrets and call AWS APIs through the NAT gateway.
      allowAllOutbound: true,
    });

    this.service = new ecs.FargateService(this, "Service", {
      cluster: props.cluster,
      taskDefinition: props.taskDefinition,
      taskDefinitionRevision: ecs.TaskDefinitionRevision.LATEST,
      desiredCount: manifest.desiredCount,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      assignPublicIp: false,
      ...props.strategy.serviceOptions,
      healthCheckGracePeriod: HEALTH_CHECK_GRACE_PERIOD,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    props.strategy.bind(this.service);
    this.service.connections.allowFrom(
      traffic.loadBalancerSecurityGroup,
      ec2.Port.tcp(manifest.port),
      "from the load balancer",
    );
    this.referenceTaskDefinitionByFamily(props.taskDefinition);

    this.scalableTarget = this.autoScaling(props);
  }

  /**
   * Pins the service's TaskDefinition to the family name (a constant), whatever CDK renders by default, and makes
   * the service wait for the task definition resource so the family has a revision when the service is created.
   */
  private referenceTaskDefinitionByFamily(taskDefinition: ecs.FargateTaskDefinition): void {
    const cfnService = this.service.node.defaultChild as ecs.CfnService;
    const cfnTaskDefinition = taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
    cfnService.addPropertyOverride("TaskDefinition", taskDefinition.family);
    cfnService.addResourceDependency(cfnTaskDefinition);
  }

  private autoScaling(props: BlueGreenFargateServiceProps): appscaling.ScalableTarget {
    const { scaling } = props.manifest;
    const target = new appscaling.ScalableTarget(this, "ScalableTarget", {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.clusterName}/${this.service.serviceName}`,
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
      role: iam.Role.fromRoleArn(
        this,
        "ScalingRole",
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      ),
    });
    target.node.addDependency(this.service);

    target.scaleToTrackMetric("Cpu", {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: scaling.cpuPercent,
    });

    // Requests per task summed over BOTH target groups: only one is live at a time and the engine flips which on
    // every deployment, so a policy on one group would go blind after the first switch. The predefined
    // ALBRequestCountPerTarget metric names a single group; a customized metric with metric math covers both.
    const perTarget = (id: string, group: ServiceTraffic["primaryTargetGroup"]) => {
      const stat = group.metrics.requestCountPerTarget().toMetricConfig().metricStat;
      if (!stat) throw new Error("RequestCountPerTarget is expected to be a plain metric");
      return {
        id,
        returnData: false,
        metricStat: {
          metric: {
            namespace: stat.namespace,
            metricName: stat.metricName,
            dimensions: (stat.dimensions ?? []).map((d) => ({ name: d.name, value: String(d.value) })),
          },
          stat: "Sum",
        },
      };
    };
    new appscaling.CfnScalingPolicy(this, "RequestsPerTarget", {
      policyName: `${props.manifest.name}-requests-per-target`,
      policyType: "TargetTrackingScaling",
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.manifest.scaling.requestsPerTarget,
        customizedMetricSpecification: {
          metrics: [
            perTarget("blue", props.traffic.primaryTargetGroup),
            perTarget("green", props.traffic.alternateTargetGroup),
            {
              id: "requests",
              label: "ALB requests per target, blue + green",
              expression: "FILL(blue, 0) + FILL(green, 0)",
              returnData: true,
            },
          ],
        },
      },
    });
    return target;
  }
}
