import type { ServiceManifest, ServiceNames } from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { CodeDeployServiceRole } from "./code-deploy-service-role.ts";
import type { ServiceLoadBalancer } from "./service-load-balancer.ts";
import { TestTrafficHook } from "./test-traffic-hook.ts";

export type DeploymentSettings = ServiceManifest["deployment"];

export interface CodeDeployBlueGreenProps {
  /** The contract's names of the CodeDeploy application, the deployment group and the hook function. */
  names: Pick<ServiceNames, "codeDeployApplication" | "codeDeployDeploymentGroup" | "testTrafficHookFunction">;
  service: ecs.FargateService;
  loadBalancer: ServiceLoadBalancer;
  deployment: DeploymentSettings;
  /** Any of them in ALARM stops the deployment and rolls it back. */
  alarms: readonly cloudwatch.IAlarm[];
  /** The task definition's roles (CodeDeploy passes them to the new task set) and the pipeline's artifact bucket. */
  taskRoles: readonly iam.IRole[];
  artifactBucket: s3.IBucket;
  /** Needed when `deployment.testTrafficHook` is on. */
  hook: { vpc: ec2.IVpc; healthCheckPath: string; testListenerPort: number; logRetention: logs.RetentionDays };
}

/**
 * The deployment strategy, in one place: CodeDeploy ECS blue/green. Services only learn which deployment
 * controller to use from here, so a native ECS blue/green strategy could replace this construct without touching
 * the service, task definition or load balancer constructs.
 */
export class CodeDeployBlueGreen extends Construct {
  /** The controller a service deployed by this strategy must be created with. */
  static readonly deploymentController: ecs.DeploymentController = {
    type: ecs.DeploymentControllerType.CODE_DEPLOY,
  };

  readonly application: codedeploy.EcsApplication;
  readonly deploymentGroup: codedeploy.EcsDeploymentGroup;
  readonly deploymentConfig: codedeploy.IEcsDeploymentConfig;
  /** The AfterAllowTestTraffic function, when the manifest asks for one. */
  readonly hook?: TestTrafficHook;

  constructor(scope: Construct, id: string, props: CodeDeployBlueGreenProps) {
    super(scope, id);
    const { deployment, loadBalancer } = props;

    this.application = new codedeploy.EcsApplication(this, "Application", {
      applicationName: props.names.codeDeployApplication,
    });
    this.deploymentConfig = deploymentConfigFor(this, deployment);
    const { role } = new CodeDeployServiceRole(this, "ServiceRole", {
      applicationName: props.names.codeDeployApplication,
      deploymentGroupName: props.names.codeDeployDeploymentGroup,
      service: props.service,
      listeners: [loadBalancer.productionListener, loadBalancer.testListener],
      taskRoles: props.taskRoles,
      alarms: props.alarms,
      ...(deployment.testTrafficHook ? { hookFunctionName: props.names.testTrafficHookFunction } : {}),
      artifactBucket: props.artifactBucket,
    });
    this.deploymentGroup = new codedeploy.EcsDeploymentGroup(this, "DeploymentGroup", {
      application: this.application,
      deploymentGroupName: props.names.codeDeployDeploymentGroup,
      // CDK attaches AWSCodeDeployRoleForECS to any role it is given; the immutable view keeps our scoped policy alone.
      role: role.withoutPolicyUpdates(),
      service: props.service,
      deploymentConfig: this.deploymentConfig,
      blueGreenDeploymentConfig: {
        blueTargetGroup: loadBalancer.blueTargetGroup,
        greenTargetGroup: loadBalancer.greenTargetGroup,
        listener: loadBalancer.productionListener,
        testListener: loadBalancer.testListener,
        terminationWaitTime: Duration.minutes(deployment.terminationWaitMinutes),
      },
      alarms: [...props.alarms],
      // Break glass (service.json): the alarms stay, but no longer stop a deployment, so a fix can ship through a
      // service that is failing already.
      ignoreAlarmConfiguration: deployment.breakGlass,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: !deployment.breakGlass },
    });

    if (deployment.testTrafficHook) {
      this.hook = new TestTrafficHook(this, "TestTrafficHook", {
        functionName: props.names.testTrafficHookFunction,
        vpc: props.hook.vpc,
        testUrl: loadBalancer.testUrl,
        testListenerPort: props.hook.testListenerPort,
        healthCheckPath: props.hook.healthCheckPath,
        deploymentGroupArn: this.deploymentGroup.deploymentGroupArn,
        logRetention: props.hook.logRetention,
      });
    }
  }
}

/** CodeDeploy's predefined configurations, by strategy/percent/interval; anything else gets a custom one. */
const PREDEFINED: Record<string, codedeploy.IEcsDeploymentConfig> = {
  "canary/10/5": codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  "canary/10/15": codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  "linear/10/1": codedeploy.EcsDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTES,
  "linear/10/3": codedeploy.EcsDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
};

export function deploymentConfigFor(scope: Construct, deployment: DeploymentSettings): codedeploy.IEcsDeploymentConfig {
  if (deployment.strategy === "all-at-once") return codedeploy.EcsDeploymentConfig.ALL_AT_ONCE;
  const predefined = PREDEFINED[`${deployment.strategy}/${deployment.percent}/${deployment.intervalMinutes}`];
  if (predefined) return predefined;
  const routing = { interval: Duration.minutes(deployment.intervalMinutes), percentage: deployment.percent };
  return new codedeploy.EcsDeploymentConfig(scope, "DeploymentConfig", {
    trafficRouting:
      deployment.strategy === "canary"
        ? codedeploy.TrafficRouting.timeBasedCanary(routing)
        : codedeploy.TrafficRouting.timeBasedLinear(routing),
  });
}
