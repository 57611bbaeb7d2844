import { ECS_SMOKE_TEST_STAGE, ecsHookEnvironment, smokeTestEnvironment } from "@repo/lambdas";
import { App, Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import cdkNag from "cdk-nag";
import { describe, expect, it } from "vitest";
import { TestTrafficHook, type TestTrafficHookProps, VPC_ENI_ACTIONS } from "../lib/constructs/test-traffic-hook.ts";
import { resourcesOfType, type TemplateJson } from "./support/synth.ts";

const TEST_URL = "http://alb.example:9000";

/** A stack with a VPC and one hook; an ECS hook is bound as a service's lifecycle hook would bind it. */
function synth(props: (vpc: ec2.Vpc) => TestTrafficHookProps) {
  const app = new App();
  const stack = new Stack(app, "Hook", { env: { account: "111122223333", region: "eu-west-1" } });
  const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 1 });
  const hook = new TestTrafficHook(stack, "Hook", props(vpc));
  const lifecycleHook = hook.ecsLifecycleHook?.bind(stack);
  return { hook, lifecycleHook, json: () => app.synth().getStackByName("Hook").template as TemplateJson };
}

const common = {
  testUrl: TEST_URL,
  testListenerPort: 9000,
  healthCheckPath: "/health",
  logRetention: logs.RetentionDays.ONE_MONTH,
};

/** Statements of the IAM policies attached to `roleLogicalId`. */
function roleStatements(template: TemplateJson, roleLogicalId: string) {
  return Object.values(resourcesOfType(template, "AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleLogicalId))
    .flatMap(
      (policy) =>
        (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [],
    );
}

function logicalId(template: TemplateJson, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(", ")}`);
  return ids[0] as string;
}

describe("TestTrafficHook, engine ecs (the POST_TEST_TRAFFIC_SHIFT lifecycle hook)", () => {
  const scenario = synth((vpc) => ({ ...common, engine: "ecs", functionName: "bluegreen-orders-smoke-test", vpc }));
  const template = scenario.json();

  it("runs the ECS hook bundle in the private subnets, configured from the same smoke-test settings", () => {
    const [fn] = Object.values(resourcesOfType(template, "AWS::Lambda::Function"));
    expect(fn?.Properties).toMatchObject({
      FunctionName: "bluegreen-orders-smoke-test",
      Handler: "index.handler",
      Timeout: 60,
      Environment: { Variables: ecsHookEnvironment({ testUrl: TEST_URL, healthCheckPath: "/health" }) },
      VpcConfig: { SubnetIds: expect.arrayContaining([expect.anything()]) },
    });
  });

  it("lets its role write its own log group and manage its network interfaces, nothing else", () => {
    const role = logicalId(template, "AWS::IAM::Role", "HookRole");
    expect(template.Resources[role]?.Properties).not.toHaveProperty("ManagedPolicyArns");
    const statements = roleStatements(template, role);
    expect(statements.map((st) => st.Action)).toEqual([["logs:CreateLogStream", "logs:PutLogEvents"], VPC_ENI_ACTIONS]);
    expect(statements[0]?.Resource).toEqual({
      "Fn::GetAtt": [logicalId(template, "AWS::Logs::LogGroup", "HookLogs"), "Arn"],
    });
    expect(statements[1]?.Resource).toBe("*");
  });

  it("may reach the test listener's port only", () => {
    const group = template.Resources[logicalId(template, "AWS::EC2::SecurityGroup", "HookSecurityGroup")];
    expect(group?.Properties?.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 9000, ToPort: 9000, IpProtocol: "tcp" }),
    ]);
  });

  it("binds as the service's lifecycle hook at POST_TEST_TRAFFIC_SHIFT, invocable by ECS through a role of its own", () => {
    expect(scenario.lifecycleHook?.lifecycleStages).toEqual([ECS_SMOKE_TEST_STAGE]);
    const invokeRole = logicalId(template, "AWS::IAM::Role", "HookInvokeRole");
    expect(template.Resources[invokeRole]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: "sts:AssumeRole",
          Effect: "Allow",
          Principal: { Service: "ecs.amazonaws.com" },
        },
      ],
    });
    // As AWS documents the role ECS invokes hooks with: ECS is not known to send aws:SourceArn when it assumes it.
    expect(JSON.stringify(template.Resources[invokeRole]?.Properties?.AssumeRolePolicyDocument)).not.toContain(
      "Condition",
    );
    const statements = roleStatements(template, invokeRole);
    expect(statements).toEqual([
      expect.objectContaining({ Action: "lambda:InvokeFunction", Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(
      logicalId(template, "AWS::Lambda::Function", "HookFunction"),
    );
  });

  it("passes cdk-nag AwsSolutions (the ENI wildcard is acknowledged on the hook's role only)", () => {
    const report = new cdkNag.AwsSolutionsChecks().validateScope(scenario.hook);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe("TestTrafficHook, engine codedeploy", () => {
  it("keeps the CodeDeployHook_ name rule, the report permission and HTTPS egress for the CodeDeploy API", () => {
    const { json } = synth((vpc) => ({
      ...common,
      functionName: "CodeDeployHook_bluegreen-orders",
      vpc,
      deploymentGroupArn: "arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:app/group",
    }));
    const template = json();
    const [fn] = Object.values(resourcesOfType(template, "AWS::Lambda::Function"));
    expect(fn?.Properties?.Environment).toEqual({
      Variables: smokeTestEnvironment({ testUrl: TEST_URL, healthCheckPath: "/health" }),
    });
    const statements = roleStatements(template, logicalId(template, "AWS::IAM::Role", "HookRole"));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "codedeploy:PutLifecycleEventHookExecutionStatus",
        Resource: "arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:app/group",
      }),
    );
    const group = template.Resources[logicalId(template, "AWS::EC2::SecurityGroup", "HookSecurityGroup")];
    expect(
      ((group?.Properties?.SecurityGroupEgress ?? []) as { FromPort: number }[]).map((rule) => rule.FromPort),
    ).toEqual([9000, 443]);
    expect(() =>
      synth((vpc) => ({ ...common, functionName: "orders-hook", vpc, deploymentGroupArn: "arn:x" })),
    ).toThrow('hook function name "orders-hook" must start with CodeDeployHook_');
  });
});

describe("TestTrafficHook outside a VPC", () => {
  it("has no security group and no network-interface permissions", () => {
    const { json } = synth(() => ({ ...common, engine: "ecs", functionName: "bluegreen-orders-smoke-test" }));
    const template = json();
    expect(resourcesOfType(template, "AWS::EC2::SecurityGroup")).toEqual({});
    const [fn] = Object.values(resourcesOfType(template, "AWS::Lambda::Function"));
    expect(fn?.Properties).not.toHaveProperty("VpcConfig");
    const statements = roleStatements(template, logicalId(template, "AWS::IAM::Role", "HookRole"));
    expect(statements.map((st) => st.Action)).toEqual([["logs:CreateLogStream", "logs:PutLogEvents"]]);
  });
});
