import { ECS_SMOKE_TEST_STAGE, ecsHookEnvironment, type LambdaName, smokeTestEnvironment } from "@repo/lambdas";
import { CODEDEPLOY_HOOK_PREFIX } from "@repo/service-contract";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { bundleLambda, nodeLambdaRuntime } from "../lambda-bundle.ts";
import { suppress } from "../nag.ts";
import { ecsControlPlane } from "../trust.ts";

/** What Lambda needs to attach a function to a VPC; AWS offers no resource-level permission for most of them. */
export const VPC_ENI_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
];

interface TestTrafficHookCommonProps {
  functionName: string;
  /** Runs the function in the VPC's private subnets (egress through the NAT gateway); outside any VPC when unset. */
  vpc?: ec2.IVpc;
  /** Test listener base URL, e.g. http://<alb>:9000 */
  testUrl: string;
  /** The test listener's port: the only one the function's security group lets it reach (with a VPC). */
  testListenerPort: number;
  healthCheckPath: string;
  logRetention: logs.RetentionDays;
}

/** CodeDeploy blue/green: an AfterAllowTestTraffic hook that reports to CodeDeploy. */
export interface CodeDeployTestTrafficHookProps extends TestTrafficHookCommonProps {
  engine?: "codedeploy";
  /** The deployment group whose lifecycle events this hook answers (and nothing else). */
  deploymentGroupArn: string;
}

/** ECS-native blue/green: a POST_TEST_TRAFFIC_SHIFT lifecycle hook that answers ECS synchronously. */
export interface EcsTestTrafficHookProps extends TestTrafficHookCommonProps {
  engine: "ecs";
  /** Smoke-test rounds (one per invocation; IN_PROGRESS in between) before FAILED; default 4. */
  rounds?: number;
  /** Seconds ECS waits between rounds; default 15. */
  callBackDelaySeconds?: number;
}

export type TestTrafficHookProps = CodeDeployTestTrafficHookProps | EcsTestTrafficHookProps;

/**
 * The smoke test of the green task set (CodeDeploy) or service revision (ECS) through the test listener, as a
 * Lambda; one implementation (@repo/lambdas' smoke-test) behind both engines' hooks:
 * - engine "codedeploy" (default): AfterAllowTestTraffic; reports Succeeded or Failed to CodeDeploy (Failed rolls
 *   the deployment back). Its role may also report the hook status of its deployment group, nothing else.
 * - engine "ecs": POST_TEST_TRAFFIC_SHIFT; answers ECS with SUCCEEDED, IN_PROGRESS (checks failing, rounds left)
 *   or FAILED. Attach `ecsLifecycleHook` to the service (`service.addLifecycleHook(hook.ecsLifecycleHook)`).
 * Either role writes only its own log group and, in a VPC, manages the function's network interfaces.
 *
 * In a VPC it calls the internet-facing load balancer by its public DNS name, so its requests leave through the NAT
 * gateway; the test listener admits the NAT gateways' addresses (and the configured CIDRs), nothing else.
 */
export class TestTrafficHook extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  /** With a VPC only. */
  readonly securityGroup?: ec2.SecurityGroup;
  /**
   * ECS engine only: the service's lifecycle hook at POST_TEST_TRAFFIC_SHIFT. On binding, CDK creates the role ECS
   * assumes to invoke the hook (trusting ecs.amazonaws.com, allowed lambda:InvokeFunction on this function only).
   */
  readonly ecsLifecycleHook?: ecs.DeploymentLifecycleLambdaTarget;

  constructor(scope: Construct, id: string, props: TestTrafficHookProps) {
    super(scope, id);
    const engine = props.engine ?? "codedeploy";
    if (engine === "codedeploy" && !props.functionName.startsWith(CODEDEPLOY_HOOK_PREFIX)) {
      throw new Error(`hook function name "${props.functionName}" must start with ${CODEDEPLOY_HOOK_PREFIX}`);
    }

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description:
        engine === "codedeploy"
          ? "test-traffic hook: its log group, its VPC network interfaces, its deployment group's hook status"
          : "ECS test-traffic hook: its log group, its VPC network interfaces",
    });
    logGroup.grantWrite(this.role);
    if (props.engine !== "ecs") {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ["codedeploy:PutLifecycleEventHookExecutionStatus"],
          resources: [props.deploymentGroupArn],
        }),
      );
    }

    if (props.vpc) {
      this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
        vpc: props.vpc,
        description:
          engine === "codedeploy" ? "test-traffic hook: test listener and the CodeDeploy API" : "test-traffic hook",
        allowAllOutbound: false,
      });
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(props.testListenerPort), "test listener");
      if (engine === "codedeploy") {
        this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "CodeDeploy API");
      }
      this.role.addToPolicy(new iam.PolicyStatement({ actions: VPC_ENI_ACTIONS, resources: ["*"] }));
      suppress(this.role, [
        {
          id: "AwsSolutions-IAM5",
          reason:
            "Lets Lambda create, describe, assign addresses to and delete the function's network interfaces in its " +
            "VPC subnets (the ec2 actions of AWSLambdaVPCAccessExecutionRole, without its logs:* on every group); " +
            "the interfaces do not exist before Lambda creates them, and the Describe actions have no resource level.",
          appliesTo: ["Resource::*"],
        },
      ]);
    }

    const bundle: LambdaName = engine === "codedeploy" ? "test-traffic-hook" : "ecs-test-traffic-hook";
    const target = { testUrl: props.testUrl, healthCheckPath: props.healthCheckPath };
    this.function = new lambda.Function(this, "Function", {
      functionName: props.functionName,
      description:
        engine === "codedeploy"
          ? "CodeDeploy AfterAllowTestTraffic: smoke-tests the green task set through the test listener"
          : "ECS POST_TEST_TRAFFIC_SHIFT: smoke-tests the green service revision through the test listener",
      runtime: nodeLambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(bundleLambda(bundle)),
      role: this.role,
      logGroup,
      memorySize: 256,
      // The handlers budget against the time left: the smoke test stops early enough to answer (CodeDeploy: with
      // its report's retries) before this timeout.
      timeout: Duration.minutes(1),
      ...(props.vpc && this.securityGroup
        ? {
            vpc: props.vpc,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [this.securityGroup],
          }
        : {}),
      environment:
        props.engine === "ecs"
          ? ecsHookEnvironment({
              ...target,
              rounds: props.rounds,
              callBackDelaySeconds: props.callBackDelaySeconds,
            })
          : smokeTestEnvironment(target),
    });

    if (props.engine === "ecs") {
      // ECS invokes the hook with this role (trusted as AWS documents it: see ecsControlPlane).
      const invokeRole = new iam.Role(this, "InvokeRole", {
        assumedBy: ecsControlPlane(),
        description: `${props.functionName}: lets ECS invoke the smoke test at ${ECS_SMOKE_TEST_STAGE}`,
      });
      invokeRole.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [this.function.functionArn] }),
      );
      this.ecsLifecycleHook = new ecs.DeploymentLifecycleLambdaTarget(this.function, "SmokeTestHook", {
        role: invokeRole,
        lifecycleStages: [ecs.DeploymentLifecycleStage[ECS_SMOKE_TEST_STAGE]],
      });
    }
  }
}
