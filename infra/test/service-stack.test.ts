// The service stack as a whole: what its constructs get from the manifest and the config (defaults here), what it
// takes from the shared stack, its outputs. Each construct's own behaviour is tested on a bare Stack in constructs/.
import { Capture, Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { manifest, onlyResource, resourcesOfType, type Scenario, synthesize } from "./support/synth.ts";

const STACK = "bluegreen-orders";

/** A value the service stack reads from the shared stack's output for `id` (a cross-stack reference). */
const shared = (id: string) => ({
  "Fn::GetStackOutput": {
    StackName: "bluegreen-shared",
    Region: "us-east-1",
    OutputName: Match.stringLikeRegexp(`^PublishOutputRef${id}`),
  },
});

describe("a service stack with the default manifest settings", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: [manifest("orders", 3000)],
      config: { testListenerAllowedCidrs: ["203.0.113.0/24"] },
    });
  });

  it("runs the service in the shared cluster and the shared VPC's private subnets, under the CODE_DEPLOY controller", () => {
    s.template(STACK).hasResourceProperties("AWS::ECS::Service", {
      Cluster: shared("Cluster"),
      DeploymentController: { Type: "CODE_DEPLOY" },
      TaskDefinition: "bluegreen-orders",
      DesiredCount: 2,
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          Subnets: [shared("NetworkVpcprivateSubnet1"), shared("NetworkVpcprivateSubnet2")],
        }),
      },
    });
  });

  it("puts the load balancer in the shared VPC's public subnets, logging to the shared logs bucket", () => {
    s.template(STACK).hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      Subnets: [shared("NetworkVpcpublicSubnet1"), shared("NetworkVpcpublicSubnet2")],
      LoadBalancerAttributes: Match.arrayWith([{ Key: "access_logs.s3.bucket", Value: shared("StorageLogsBucket") }]),
    });
  });

  it("admits on the configured test port the configured CIDRs and the shared VPC's NAT address, nothing else", () => {
    const albGroup = Object.entries(resourcesOfType(s.json(STACK), "AWS::EC2::SecurityGroup")).find(([id]) =>
      id.startsWith("LoadBalancerSecurityGroup"),
    )?.[1].Properties as { SecurityGroupIngress: { FromPort: number; CidrIp: unknown }[] };
    const testRules = albGroup.SecurityGroupIngress.filter((rule) => rule.FromPort === 9000);
    expect(testRules.map((rule) => JSON.stringify(rule.CidrIp))).toEqual([
      '"203.0.113.0/24"',
      expect.stringMatching(/EIP.*PublicIp.*\/32/),
    ]);
    s.template(STACK).hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Port: 9000 });
  });

  it("serves the manifest's port and health path from both target groups", () => {
    s.template(STACK).resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    s.template(STACK).allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 3000,
      HealthCheckPath: "/health",
    });
  });

  it("scales on the manifest's defaults: 2 to 6 tasks, 60 % CPU, 500 requests per task", () => {
    const t = s.template(STACK);
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 2, MaxCapacity: 6 });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        TargetValue: 60,
      }),
    });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyName: "orders-requests-per-target",
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 500 }),
    });
  });

  it("deploys with the manifest's default canary and termination wait, stopped by the stack's six alarms", () => {
    const json = s.json(STACK);
    const alarms = Object.keys(resourcesOfType(json, "AWS::CloudWatch::Alarm"));
    expect(alarms).toHaveLength(6);
    const named = new Capture();
    s.template(STACK).hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", {
      DeploymentGroupName: "bluegreen-orders",
      DeploymentConfigName: "CodeDeployDefault.ECSCanary10Percent5Minutes",
      BlueGreenDeploymentConfiguration: {
        TerminateBlueInstancesOnDeploymentSuccess: { Action: "TERMINATE", TerminationWaitTimeInMinutes: 5 },
      },
      AlarmConfiguration: { Enabled: true, Alarms: named },
    });
    expect((named.asArray() as { Name: { Ref: string } }[]).map((alarm) => alarm.Name.Ref).sort()).toEqual(
      alarms.sort(),
    );
  });

  it("alarms at the config's default thresholds: 5 % 5xx once a group serves 20 requests a minute, 2 s p95", () => {
    const t = s.template(STACK);
    t.resourcePropertiesCountIs(
      "AWS::CloudWatch::Alarm",
      {
        Threshold: 5,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: "IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)" }),
        ]),
      },
      2,
    );
    t.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", { MetricName: "TargetResponseTime", Threshold: 2 }, 2);
  });

  it("lets the load balancer drain a task for the service's whole shutdown grace (stop timeout - 5 s)", () => {
    s.template(STACK).allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      TargetGroupAttributes: Match.arrayWith([{ Key: "deregistration_delay.timeout_seconds", Value: "25" }]),
    });
  });

  it("keeps the config's default 20 images in the image repository", () => {
    const repo = Object.entries(resourcesOfType(s.json(STACK), "AWS::ECR::Repository")).find(([id]) =>
      id.startsWith("ImageRepository"),
    )?.[1].Properties as { LifecyclePolicy: { LifecyclePolicyText: string } };
    const policy = JSON.parse(repo.LifecyclePolicy.LifecyclePolicyText);
    expect(policy.rules[0].selection).toMatchObject({ countType: "imageCountMoreThan", countNumber: 20 });
  });

  it("adds the AfterAllowTestTraffic hook: CodeDeployHook_ name, in the VPC, allowed only its deployment group", () => {
    const json = s.json(STACK);
    const fn = onlyResource(json, "AWS::Lambda::Function");
    expect(fn.properties).toMatchObject({
      FunctionName: "CodeDeployHook_bluegreen-orders",
      Handler: "index.handler",
      Environment: { Variables: { HEALTH_PATH: "/health" } },
      VpcConfig: { SubnetIds: expect.arrayContaining([expect.anything()]) },
    });
    expect(
      JSON.stringify((fn.properties.Environment as { Variables: { TEST_URL: unknown } }).Variables.TEST_URL),
    ).toMatch(/http:\/\/.*DNSName.*:9000/);
    const statements = Object.values(resourcesOfType(json, "AWS::IAM::Policy")).flatMap(
      (p) =>
        (p.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] } | undefined)
          ?.Statement ?? [],
    );
    const hookStatements = statements.filter((st) =>
      JSON.stringify(st.Action).includes("codedeploy:PutLifecycleEventHookExecutionStatus"),
    );
    expect(hookStatements).toEqual([
      expect.objectContaining({ Action: "codedeploy:PutLifecycleEventHookExecutionStatus" }),
    ]);
    expect(JSON.stringify(hookStatements[0]?.Resource)).toContain("deploymentgroup:");
  });

  it("outputs what the pipeline needs and exposes the same as typed properties", () => {
    const outputs = Object.keys(s.json(STACK).Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        "ServiceUrl",
        "TestUrl",
        "RepositoryUri",
        "RepositoryName",
        "TaskFamily",
        "ContainerName",
        "ContainerPort",
        "ClusterName",
        "EcsServiceName",
        "CodeDeployApplication",
        "CodeDeployDeploymentGroup",
        "HookFunctionName",
        "ArtifactBucketName",
      ]),
    );
    expect(s.json(STACK).Outputs?.TaskFamily?.Value).toBe("bluegreen-orders");
    const [stack] = s.infra.services;
    expect(stack?.targets).toMatchObject({
      serviceName: "orders",
      taskFamily: "bluegreen-orders",
      containerName: "orders",
      containerPort: 3000,
    });
    expect(stack?.targets.hookFunction).toBeDefined();
    expect(stack?.targets.artifactBucket.node.path).toContain("bluegreen-orders/Artifacts");
  });
});

describe("a service without a test-traffic hook, with HTTPS and e-mail notifications", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: [manifest("all", 3001, { deployment: { strategy: "all-at-once", testTrafficHook: false } })],
      config: {
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        notificationEmail: "ops@example.com",
      },
    });
  });

  it("has no hook function and no HookFunctionName output", () => {
    const json = s.json("bluegreen-all");
    expect(Object.keys(resourcesOfType(json, "AWS::Lambda::Function"))).toHaveLength(0);
    expect(json.Outputs?.HookFunctionName).toBeUndefined();
    expect(s.infra.services[0]?.targets.hookFunction).toBeUndefined();
  });

  it("serves production over HTTPS with the configured certificate, and outputs an https URL", () => {
    s.template("bluegreen-all").hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Certificates: [{ CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" }],
    });
    expect(JSON.stringify(s.json("bluegreen-all").Outputs?.ServiceUrl?.Value)).toContain("https://");
  });

  it("sends its alarms to the shared stack's e-mail topic", () => {
    s.template("bluegreen-shared").hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
    s.template("bluegreen-all").resourceCountIs("AWS::CloudWatch::Alarm", 6);
    s.template("bluegreen-all").allResourcesProperties("AWS::CloudWatch::Alarm", {
      AlarmActions: [shared("AlarmTopic")],
    });
  });
});
