import { CODEDEPLOY_HOOK_PREFIX } from "@repo/service-contract";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { bundleLambda, nodeLambdaRuntime } from "../lambda-bundle.ts";
import { suppress } from "../nag.ts";

export interface TestTrafficHookProps {
  functionName: string;
  vpc: ec2.IVpc;
  /** Test listener base URL, e.g. http://<alb>:9000 */
  testUrl: string;
  testListenerPort: number;
  healthCheckPath: string;
  /** The deployment group whose lifecycle events this hook answers (and nothing else). */
  deploymentGroupArn: string;
  logRetention: logs.RetentionDays;
}

/**
 * The AfterAllowTestTraffic hook: a Lambda in the private subnets that smoke-tests the green task set through the
 * test listener and reports Succeeded or Failed to CodeDeploy (Failed rolls the deployment back).
 *
 * It calls the internet-facing load balancer by its public DNS name, so its requests leave through the NAT
 * gateway; the test listener admits the NAT gateways' addresses (and the configured CIDRs), nothing else.
 */
export class TestTrafficHook extends Construct {
  readonly function: lambda.Function;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TestTrafficHookProps) {
    super(scope, id);
    if (!props.functionName.startsWith(CODEDEPLOY_HOOK_PREFIX)) {
      throw new Error(`hook function name "${props.functionName}" must start with ${CODEDEPLOY_HOOK_PREFIX}`);
    }

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: "test-traffic hook: test listener and the CodeDeploy API",
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(props.testListenerPort), "test listener");
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "CodeDeploy API");

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "test-traffic hook: ENIs in the VPC, its log group, its deployment group's hook status",
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole")],
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["codedeploy:PutLifecycleEventHookExecutionStatus"],
        resources: [props.deploymentGroupArn],
      }),
    );
    suppress(role, [
      {
        id: "AwsSolutions-IAM4",
        reason:
          "AWSLambdaVPCAccessExecutionRole is AWS's minimal policy for a Lambda in a VPC (ENI create/delete, " +
          "logs); the ENI actions cannot be scoped to resources that do not exist yet.",
        appliesTo: ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
      },
    ]);

    this.function = new lambda.Function(this, "Function", {
      functionName: props.functionName,
      description: "CodeDeploy AfterAllowTestTraffic: smoke-tests the green task set through the test listener",
      runtime: nodeLambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(bundleLambda("test-traffic-hook")),
      role,
      logGroup,
      memorySize: 256,
      // Two checks × 4 attempts × (3 s timeout + back-off) stay well below this.
      timeout: Duration.minutes(1),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      environment: {
        TEST_URL: props.testUrl,
        HEALTH_PATH: props.healthCheckPath,
        ATTEMPTS: "4",
        REQUEST_TIMEOUT_MS: "3000",
        BACKOFF_MS: "1000",
      },
    });
  }
}
