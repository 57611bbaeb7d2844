import { PIPELINE_IMAGE_PLACEHOLDER_NAME, type ServiceManifest, type ServiceNames } from "@repo/service-contract";
import { Duration } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import type * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as actions from "aws-cdk-lib/aws-codepipeline-actions";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledgeArtifactGrant } from "../artifact-grants.ts";
import { iamResourceFinding, suppress } from "../nag.ts";
import { registerRevisionStatements } from "../revision-grants.ts";
import { CodeDeployServiceRole } from "./code-deploy-service-role.ts";
import type { DeploymentStrategy, DeployStageInputs, StrategyServiceOptions } from "./deployment-strategy.ts";
import type { ServiceLoadBalancer } from "./service-load-balancer.ts";
import { TestTrafficHook } from "./test-traffic-hook.ts";

export type DeploymentSettings = ServiceManifest["deployment"];

export interface CodeDeployBlueGreenProps {
  /** The contract's names of the CodeDeploy application, the deployment group and the hook function. */
  names: Pick<ServiceNames, "codeDeployApplication" | "codeDeployDeploymentGroup" | "testTrafficHookFunction">;
  loadBalancer: ServiceLoadBalancer;
  deployment: DeploymentSettings;
  /** Any of them in ALARM stops the deployment and rolls it back. */
  alarms: readonly cloudwatch.IAlarm[];
  /** The task definition's family and roles (CodeDeploy passes the roles to the new task set). */
  taskFamily: string;
  taskRoles: readonly iam.IRole[];
  artifactBucket: s3.IBucket;
  /** Needed when `deployment.testTrafficHook` is on. */
  hook: { vpc: ec2.IVpc; healthCheckPath: string; testListenerPort: number; logRetention: logs.RetentionDays };
}

/**
 * The CodeDeploy engine: CodeDeploy ECS blue/green, switching the dedicated load balancer's listeners between the
 * blue and the green target group, with a smoke test at AfterAllowTestTraffic and rollback on alarms; the pipeline
 * deploys through the CodeDeployToECS action.
 */
export class CodeDeployBlueGreen extends Construct implements DeploymentStrategy {
  /** The controller a service deployed by this strategy must be created with. */
  static readonly deploymentController: ecs.DeploymentController = {
    type: ecs.DeploymentControllerType.CODE_DEPLOY,
  };

  readonly serviceOptions: StrategyServiceOptions = { deploymentController: CodeDeployBlueGreen.deploymentController };
  readonly application: codedeploy.EcsApplication;
  readonly deploymentConfig: codedeploy.IEcsDeploymentConfig;
  private group?: codedeploy.EcsDeploymentGroup;
  /** The AfterAllowTestTraffic function, when the manifest asks for one. */
  hook?: TestTrafficHook;
  /** The Deploy action's role: exactly what CodeDeployToECS needs, for this service only. */
  deployRole?: iam.Role;

  private readonly props: CodeDeployBlueGreenProps;

  constructor(scope: Construct, id: string, props: CodeDeployBlueGreenProps) {
    super(scope, id);
    this.props = props;
    this.application = new codedeploy.EcsApplication(this, "Application", {
      applicationName: props.names.codeDeployApplication,
    });
    this.deploymentConfig = deploymentConfigFor(this, props.deployment);
  }

  get deploymentGroup(): codedeploy.EcsDeploymentGroup {
    if (!this.group) throw new Error("CodeDeployBlueGreen: bind() the service first");
    return this.group;
  }

  bind(service: ecs.FargateService): void {
    const { deployment, loadBalancer, names } = this.props;
    service.attachToApplicationTargetGroup(loadBalancer.blueTargetGroup);
    const { role } = new CodeDeployServiceRole(this, "ServiceRole", {
      applicationName: names.codeDeployApplication,
      deploymentGroupName: names.codeDeployDeploymentGroup,
      service,
      listeners: [loadBalancer.productionListener, loadBalancer.testListener],
      taskRoles: this.props.taskRoles,
      alarms: this.props.alarms,
      ...(deployment.testTrafficHook ? { hookFunctionName: names.testTrafficHookFunction } : {}),
      artifactBucket: this.props.artifactBucket,
    });
    this.group = new codedeploy.EcsDeploymentGroup(this, "DeploymentGroup", {
      application: this.application,
      deploymentGroupName: names.codeDeployDeploymentGroup,
      // CDK attaches AWSCodeDeployRoleForECS to any role it is given; the immutable view keeps our scoped policy alone.
      role: role.withoutPolicyUpdates(),
      service,
      deploymentConfig: this.deploymentConfig,
      blueGreenDeploymentConfig: {
        blueTargetGroup: loadBalancer.blueTargetGroup,
        greenTargetGroup: loadBalancer.greenTargetGroup,
        listener: loadBalancer.productionListener,
        testListener: loadBalancer.testListener,
        terminationWaitTime: Duration.minutes(deployment.terminationWaitMinutes),
      },
      alarms: [...this.props.alarms],
      // Break glass (service.json): the alarms stay, but no longer stop a deployment, so a fix can ship through a
      // service that is failing already.
      ignoreAlarmConfiguration: deployment.breakGlass,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: !deployment.breakGlass },
    });

    if (deployment.testTrafficHook) {
      this.hook = new TestTrafficHook(this, "TestTrafficHook", {
        functionName: names.testTrafficHookFunction,
        vpc: this.props.hook.vpc,
        testUrl: loadBalancer.testUrl,
        testListenerPort: this.props.hook.testListenerPort,
        healthCheckPath: this.props.hook.healthCheckPath,
        deploymentGroupArn: this.group.deploymentGroupArn,
        logRetention: this.props.hook.logRetention,
      });
    }
  }

  deployActions(scope: Construct, inputs: DeployStageInputs): codepipeline.IAction[] {
    const deploy = codeDeployDeployStage(scope, inputs, {
      deploymentGroup: this.deploymentGroup,
      taskFamily: this.props.taskFamily,
      taskRoles: this.props.taskRoles,
    });
    this.deployRole = deploy.role;
    return deploy.actions;
  }
}

export interface CodeDeployDeployTarget {
  deploymentGroup: codedeploy.IEcsDeploymentGroup;
  taskFamily: string;
  taskRoles: readonly iam.IRole[];
}

/**
 * CodeDeployToECS, with a role that does what the action does and no more: read the artifacts, register a revision of
 * this family (tags included: create-new-task-def carries the family's tags over, and tagging on create needs
 * ecs:TagResource), pass this task definition's two roles to ECS, and deploy through this deployment group.
 */
export function codeDeployDeployStage(
  scope: Construct,
  inputs: DeployStageInputs,
  target: CodeDeployDeployTarget,
): { actions: codepipeline.IAction[]; role: iam.Role } {
  const group = target.deploymentGroup;
  const role = new iam.Role(scope, "DeployRole", {
    assumedBy: new iam.ArnPrincipal(inputs.pipelineRole.roleArn),
    description: `${group.deploymentGroupName} Deploy action: register the task definition, start the CodeDeploy deployment`,
  });
  const registration = registerRevisionStatements(scope, target.taskFamily, target.taskRoles);
  const taskDefinitions = registration.revisions;
  const statements = [
    new iam.PolicyStatement({
      actions: [
        "codedeploy:GetApplication",
        "codedeploy:GetApplicationRevision",
        "codedeploy:RegisterApplicationRevision",
      ],
      resources: [group.application.applicationArn],
    }),
    new iam.PolicyStatement({
      actions: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
      resources: [group.deploymentGroupArn],
    }),
    new iam.PolicyStatement({
      actions: ["codedeploy:GetDeploymentConfig"],
      resources: [group.deploymentConfig.deploymentConfigArn],
    }),
    ...registration.statements,
  ];
  for (const statement of statements) role.addToPrincipalPolicy(statement);
  inputs.artifactBucket.grantRead(role);
  acknowledgeArtifactGrant(role, inputs.artifactBucket, "the Deploy action", "read");
  suppress(role, [
    {
      id: "AwsSolutions-IAM5",
      reason:
        "Every revision of this service's task definition family (task-definition/<family>:*): the Deploy action " +
        "registers the next revision, whose number is not known in advance.",
      appliesTo: [iamResourceFinding(role, taskDefinitions)],
    },
  ]);
  const action = new actions.CodeDeployEcsDeployAction({
    actionName: "Deploy",
    deploymentGroup: group,
    taskDefinitionTemplateInput: inputs.build,
    appSpecTemplateInput: inputs.build,
    containerImageInputs: [{ input: inputs.build, taskDefinitionPlaceholder: PIPELINE_IMAGE_PLACEHOLDER_NAME }],
    // The action's own grants (ecs:RegisterTaskDefinition and iam:PassRole on *) are dropped for the above.
    role: role.withoutPolicyUpdates(),
  });
  return { actions: [action], role };
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
