import type { Stack } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { BlueGreenFargateService, HEALTH_CHECK_GRACE_PERIOD } from "../../lib/constructs/blue-green-fargate-service.ts";
import type { ServiceLoadBalancer } from "../../lib/constructs/service-load-balancer.ts";
import { bareStack, importedVpc, serviceLoadBalancer, serviceManifest, VPC_ATTRIBUTES } from "../support/stack.ts";

const MANIFEST = serviceManifest({
  name: "orders",
  port: 3000,
  desiredCount: 3,
  scaling: { minTasks: 3, maxTasks: 9, cpuPercent: 55, requestsPerTarget: 700 },
});

describe("BlueGreenFargateService", () => {
  let stack: Stack;
  let lb: ServiceLoadBalancer;
  let taskDefinition: ecs.FargateTaskDefinition;
  let fargate: BlueGreenFargateService;
  let template: Template;
  beforeAll(() => {
    stack = bareStack();
    const vpc = importedVpc(stack);
    lb = serviceLoadBalancer(stack, { vpc });
    taskDefinition = new ecs.FargateTaskDefinition(stack, "TaskDefinition", { family: "project-orders" });
    taskDefinition.addContainer("Container", {
      containerName: "orders",
      image: ecs.ContainerImage.fromRegistry("public.ecr.aws/docker/library/node:24-bookworm-slim"),
      portMappings: [{ containerPort: MANIFEST.port }],
    });
    fargate = new BlueGreenFargateService(stack, "Fargate", {
      cluster: ecs.Cluster.fromClusterAttributes(stack, "Cluster", { clusterName: "unit-cluster", vpc }),
      manifest: MANIFEST,
      taskDefinition,
      containerName: "orders",
      traffic: lb,
      strategy: {
        serviceOptions: { deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY } },
        bind: (service) => {
          service.attachToApplicationTargetGroup(lb.primaryTargetGroup);
        },
        deployActions: () => [],
      },
    });
    template = Template.fromStack(stack);
  });

  it("names its task definition BY FAMILY and waits for the task definition resource", () => {
    template.hasResource("AWS::ECS::Service", {
      Properties: { TaskDefinition: "project-orders" },
      DependsOn: Match.arrayWith([stack.getLogicalId(taskDefinition.node.defaultChild as ecs.CfnTaskDefinition)]),
    });
  });

  it("runs under the given deployment controller, with the manifest's count, in the private subnets, no public IP", () => {
    template.hasResourceProperties("AWS::ECS::Service", {
      Cluster: "unit-cluster",
      LaunchType: "FARGATE",
      DeploymentController: { Type: "CODE_DEPLOY" },
      DesiredCount: 3,
      HealthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_PERIOD.toSeconds(),
      DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 },
      PropagateTags: "SERVICE",
      EnableECSManagedTags: true,
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: "DISABLED",
          Subnets: [...VPC_ATTRIBUTES.privateSubnetIds],
          SecurityGroups: [stack.resolve(fargate.securityGroup.securityGroupId)],
        },
      },
    });
  });

  it("registers its container in the blue target group only (CodeDeploy moves it to green)", () => {
    template.hasResourceProperties("AWS::ECS::Service", {
      LoadBalancers: [
        {
          ContainerName: "orders",
          ContainerPort: 3000,
          TargetGroupArn: stack.resolve(lb.blueTargetGroup.targetGroupArn),
        },
      ],
    });
  });

  it("admits only the load balancer's security group, on the container port", () => {
    template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 1);
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", {
      IpProtocol: "tcp",
      FromPort: 3000,
      ToPort: 3000,
      GroupId: stack.resolve(fargate.securityGroup.securityGroupId),
      SourceSecurityGroupId: stack.resolve(lb.securityGroup.securityGroupId),
    });
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      GroupDescription: "orders tasks",
      SecurityGroupIngress: Match.absent(),
    });
  });

  it("scales between the manifest's min and max through the ECS service-linked role, after the service exists", () => {
    template.hasResource("AWS::ApplicationAutoScaling::ScalableTarget", {
      Properties: {
        MinCapacity: 3,
        MaxCapacity: 9,
        ScalableDimension: "ecs:service:DesiredCount",
        ServiceNamespace: "ecs",
        ResourceId: {
          "Fn::Join": ["", ["service/unit-cluster/", stack.resolve(fargate.service.serviceName)]],
        },
        RoleARN: {
          "Fn::Join": [
            "",
            [
              "arn:",
              { Ref: "AWS::Partition" },
              ":iam::",
              { Ref: "AWS::AccountId" },
              ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
            ],
          ],
        },
      },
      DependsOn: Match.arrayWith([stack.getLogicalId(fargate.service.node.defaultChild as ecs.CfnService)]),
    });
  });

  it("tracks the manifest's average CPU target", () => {
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: stack.resolve(fargate.scalableTarget.scalableTargetId),
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        TargetValue: 55,
      },
    });
  });

  it("tracks requests per task summed over BOTH target groups, so it still sees traffic after a switch", () => {
    const metrics = new Capture();
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyName: "orders-requests-per-target",
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: stack.resolve(fargate.scalableTarget.scalableTargetId),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 700,
        CustomizedMetricSpecification: { Metrics: metrics },
      },
    });
    const perGroup = (id: string, group: ServiceLoadBalancer["blueTargetGroup"]) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "RequestCountPerTarget",
          // The group, and the load balancer it is attached to (through its listener).
          Dimensions: [
            { Name: "LoadBalancer", Value: expect.anything() },
            { Name: "TargetGroup", Value: stack.resolve(group.targetGroupFullName) },
          ],
        },
        Stat: "Sum",
      },
    });
    expect(metrics.asArray()).toEqual([
      perGroup("blue", lb.blueTargetGroup),
      perGroup("green", lb.greenTargetGroup),
      {
        Id: "requests",
        Label: "ALB requests per target, blue + green",
        Expression: "FILL(blue, 0) + FILL(green, 0)",
        ReturnData: true,
      },
    ]);
    template.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 2);
  });
});
