import {
  deployStageVariables,
  ecsDeploymentConfiguration,
  type ServiceManifest,
  type ServiceNames,
} from "@repo/service-contract";
import { minimumDeploymentDuration } from "@repo/service-contract/deployment-duration";
import { Duration } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import type * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as actions from "aws-cdk-lib/aws-codepipeline-actions";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { childrenOf } from "../arns.ts";
import { acknowledgeArtifactGrant } from "../artifact-grants.ts";
import { acknowledgeProjectLogStreams, projectLogGroup, projectRole } from "../codebuild-project.ts";
import { iamResourceFinding, suppress } from "../nag.ts";
import { registerRevisionStatements } from "../revision-grants.ts";
import { ecsControlPlane } from "../trust.ts";
import type { DeploymentStrategy, DeployStageInputs, StrategyServiceOptions } from "./deployment-strategy.ts";
import { BUILD_IMAGE } from "./service-build-project.ts";
import type { ServiceListenerRules } from "./service-listener-rules.ts";
import { TestTrafficHook } from "./test-traffic-hook.ts";

/** The Deploy stage's own recipe (packages/ecs-deploy): registers the revision and follows the ECS deployment. */
export const DEPLOY_BUILDSPEC_FILE = "packages/ecs-deploy/buildspec.yml";
/** On top of the configured shifts and bake time: scaling up, health checks, the smoke test. */
export const DEPLOY_MARGIN_MINUTES = 30;
/** The install phase of the Deploy project, before it starts following the deployment. */
export const DEPLOY_INSTALL_MINUTES = 10;
/** CodeBuild's longest build (CodeBuild API: Project.timeoutInMinutes, 5 to 2160). */
export const CODEBUILD_MAX_TIMEOUT_MINUTES = 2160;

export interface EcsNativeBlueGreenProps {
  names: Pick<ServiceNames, "ecsTestTrafficHookFunction" | "deployProject" | "taskFamily" | "container">;
  manifestFile: string;
  traffic: ServiceListenerRules;
  deployment: ServiceManifest["deployment"];
  containerPort: number;
  /** Any of them in ALARM rolls the deployment back (unless breakGlass). */
  alarms: readonly cloudwatch.IAlarm[];
  cluster: ecs.ICluster;
  taskRoles: readonly iam.IRole[];
  logRetention: logs.RetentionDays;
  hook: { vpc: ec2.IVpc; healthCheckPath: string; testListenerPort: number };
}

/**
 * The ECS engine: ECS runs the blue/green, linear or canary deployment itself, moving the weights of the service's
 * production and test listener rules between its primary and alternate target groups, with a bake time, a smoke
 * test at POST_TEST_TRAFFIC_SHIFT, the deployment circuit breaker and rollback on the deployment alarms. The pipeline's
 * Deploy stage is a CodeBuild project that runs ecs-deploy: it registers the revision, updates the service and follows
 * the deployment to SUCCESSFUL (or fails on a rollback), however long the shifts and the bake time take.
 */
export class EcsNativeBlueGreen extends Construct implements DeploymentStrategy {
  readonly serviceOptions: StrategyServiceOptions;
  /** ECS's infrastructure role for load balancers: moves this service's rules and registers its targets. */
  readonly infrastructureRole: iam.Role;
  readonly deployTimeoutMinutes: number;
  hook?: TestTrafficHook;
  deployProject?: codebuild.PipelineProject;
  private service?: ecs.FargateService;

  private readonly props: EcsNativeBlueGreenProps;

  constructor(scope: Construct, id: string, props: EcsNativeBlueGreenProps) {
    super(scope, id);
    this.props = props;
    const { deployment } = props;
    const config = ecsDeploymentConfiguration(deployment);
    this.deployTimeoutMinutes = minimumDeploymentDuration(config).minutes + DEPLOY_MARGIN_MINUTES;
    if (this.deployTimeoutMinutes + DEPLOY_INSTALL_MINUTES > CODEBUILD_MAX_TIMEOUT_MINUTES) {
      throw new Error(
        `${props.manifestFile}: deployment: its shifts and bake time take ${minimumDeploymentDuration(config).minutes} minutes, ` +
          `more than the Deploy stage can follow (${CODEBUILD_MAX_TIMEOUT_MINUTES - DEPLOY_INSTALL_MINUTES - DEPLOY_MARGIN_MINUTES}): ` +
          "take larger steps, a shorter interval or bake time",
      );
    }
    this.serviceOptions = {
      deploymentController: { type: ecs.DeploymentControllerType.ECS },
      deploymentStrategy: ecs.DeploymentStrategy[config.strategy],
      bakeTime: Duration.minutes(config.bakeTimeInMinutes),
      ...(config.linearConfiguration
        ? {
            linearConfiguration: {
              stepPercent: config.linearConfiguration.stepPercent,
              stepBakeTime: Duration.minutes(config.linearConfiguration.stepBakeTimeInMinutes),
            },
          }
        : {}),
      ...(config.canaryConfiguration
        ? {
            canaryConfiguration: {
              stepPercent: config.canaryConfiguration.canaryPercent,
              stepBakeTime: Duration.minutes(config.canaryConfiguration.canaryBakeTimeInMinutes),
            },
          }
        : {}),
      circuitBreaker: { enable: true, rollback: true },
      // Break glass (service.json): the alarms stay, but no longer roll a deployment back.
      ...(deployment.breakGlass
        ? {}
        : {
            deploymentAlarms: {
              alarmNames: props.alarms.map((alarm) => alarm.alarmName),
              behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
            },
          }),
    };
    this.infrastructureRole = this.loadBalancerRole();
  }

  /** Instead of AmazonECSInfrastructureRolePolicyForLoadBalancers (every rule, listener and target group). */
  private loadBalancerRole(): iam.Role {
    const { traffic } = this.props;
    const role = new iam.Role(this, "InfrastructureRole", {
      assumedBy: ecsControlPlane(),
      description: `${this.props.names.taskFamily}: ECS moves this service's listener rules and registers its targets`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "ShiftTraffic",
        actions: ["elasticloadbalancing:ModifyRule"],
        resources: [traffic.productionRule.listenerRuleArn, traffic.testRule.listenerRuleArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "RegisterTargets",
        actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        resources: [traffic.primaryTargetGroup.targetGroupArn, traffic.alternateTargetGroup.targetGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "DescribeLoadBalancing",
        actions: [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
        resources: ["*"],
      }),
    );
    suppress(role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Resource * only for elasticloadbalancing:DescribeListeners, DescribeRules, DescribeTargetGroups and " +
          "DescribeTargetHealth, which have no resource-level permissions; rule changes and target registration " +
          "name this service's two rules and two target groups.",
        appliesTo: ["Resource::*"],
      },
    ]);
    return role;
  }

  bind(service: ecs.FargateService): void {
    const { traffic, names } = this.props;
    this.service = service;
    service
      .loadBalancerTarget({
        containerName: names.container,
        containerPort: this.props.containerPort,
        alternateTarget: new ecs.AlternateTarget("Alternate", {
          alternateTargetGroup: traffic.alternateTargetGroup,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(traffic.productionRule),
          testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(traffic.testRule),
          role: this.infrastructureRole,
        }),
      })
      .attachToApplicationTargetGroup(traffic.primaryTargetGroup);
    if (this.props.deployment.testTrafficHook) {
      this.hook = new TestTrafficHook(this, "TestTrafficHook", {
        engine: "ecs",
        functionName: names.ecsTestTrafficHookFunction,
        vpc: this.props.hook.vpc,
        testUrl: traffic.testUrl,
        testListenerPort: this.props.hook.testListenerPort,
        healthCheckPath: this.props.hook.healthCheckPath,
        logRetention: this.props.logRetention,
      });
      service.addLifecycleHook(this.hook.ecsLifecycleHook as ecs.DeploymentLifecycleLambdaTarget);
    }
  }

  /**
   * A non-privileged CodeBuild project running packages/ecs-deploy/buildspec.yml: the repository (to build the CLI)
   * and the Build stage's artifact as inputs; a role that may update and follow this service's deployments,
   * register revisions of its family, pass its two task roles, read the artifacts and write its own logs.
   */
  deployActions(scope: Construct, inputs: DeployStageInputs): codepipeline.IAction[] {
    const { names } = this.props;
    const logGroup = projectLogGroup(scope, "DeployLogs", names.deployProject, this.props.logRetention);
    const role = projectRole(
      scope,
      "DeployRole",
      names.deployProject,
      `${names.deployProject}: register the revision, update the service, follow its ECS deployment`,
    );
    const project = new codebuild.PipelineProject(scope, "DeployProject", {
      projectName: names.deployProject,
      description: `${names.taskFamily}: deploys the Build stage's task definition and follows the ECS deployment`,
      buildSpec: codebuild.BuildSpec.fromSourceFilename(DEPLOY_BUILDSPEC_FILE),
      environment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL, privileged: false },
      environmentVariables: Object.fromEntries(
        Object.entries(
          deployStageVariables({
            cluster: this.props.cluster.clusterName,
            service: this.boundService.serviceName,
            container: names.container,
            buildOutputArtifact: inputs.build.artifactName as string,
            timeoutMinutes: this.deployTimeoutMinutes,
          }),
        ).map(([name, value]) => [name, { value }]),
      ),
      role,
      logging: { cloudWatch: { logGroup } },
      timeout: Duration.minutes(this.deployTimeoutMinutes + DEPLOY_INSTALL_MINUTES),
      grantReportGroupPermissions: false,
    });
    this.deployProject = project;
    this.grantDeploy(role);
    inputs.artifactBucket.grantRead(role);
    acknowledgeArtifactGrant(role, inputs.artifactBucket, "The Deploy project", "read");
    acknowledgeProjectLogStreams(role, project);
    suppress(project, [
      {
        id: "AwsSolutions-CB4",
        reason:
          "The project writes no artifacts: it reads the pipeline's (in the service's own SSE-S3, TLS-only bucket) " +
          "and calls ECS; CodeBuild encrypts its working data with the AWS-managed key.",
      },
    ]);
    return [
      new actions.CodeBuildAction({
        actionName: "Deploy",
        project,
        input: inputs.source,
        extraInputs: [inputs.build],
        variablesNamespace: "Deploy",
      }),
    ];
  }

  private get boundService(): ecs.FargateService {
    if (!this.service) throw new Error("EcsNativeBlueGreen: bind() the service first");
    return this.service;
  }

  private grantDeploy(role: iam.Role): void {
    const service = this.boundService;
    const registration = registerRevisionStatements(this, this.props.names.taskFamily, this.props.taskRoles);
    const family = registration.revisions;
    const deployments = childrenOf(service.serviceArn, "service", "service-deployment");
    const revisions = childrenOf(service.serviceArn, "service", "service-revision");
    const statements = [
      new iam.PolicyStatement({ actions: ["ecs:DescribeServices"], resources: [service.serviceArn] }),
      new iam.PolicyStatement({
        actions: ["ecs:UpdateService"],
        resources: [service.serviceArn],
        conditions: { ArnLike: { "ecs:task-definition": family } },
      }),
      new iam.PolicyStatement({
        actions: ["ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment"],
        resources: [service.serviceArn, deployments],
      }),
      new iam.PolicyStatement({
        actions: ["ecs:DescribeServiceRevisions"],
        resources: [service.serviceArn, revisions],
      }),
      ...registration.statements,
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
    suppress(role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "This service's own revisions of its family (task-definition/<family>:*), service deployments " +
          "(service-deployment/<cluster>/<service>/*) and service revisions, whose ids ECS generates.",
        appliesTo: [family, deployments, revisions].map((arn) => iamResourceFinding(role, arn)),
      },
    ]);
  }
}
