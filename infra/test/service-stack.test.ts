import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { manifest, onlyResource, resourcesOfType, type Scenario, synthesize } from "./support/synth.ts";

const STACK = "bluegreen-orders";

describe("a service stack with the default manifest settings", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: [
        manifest("orders", 3000, {
          stopTimeoutSeconds: 30,
          environment: { LOG_LEVEL: "info" },
          secrets: {
            DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf:password::",
            API_KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/orders/api-key",
          },
        }),
      ],
      config: { testListenerAllowedCidrs: ["203.0.113.0/24"] },
    });
  });

  it("registers a task definition with an explicit family, container name, port and hardened container", () => {
    const task = onlyResource(s.json(STACK), "AWS::ECS::TaskDefinition");
    expect(task.properties).toMatchObject({
      Family: "bluegreen-orders",
      Cpu: "256",
      Memory: "512",
      NetworkMode: "awsvpc",
      RequiresCompatibilities: ["FARGATE"],
      RuntimePlatform: { CpuArchitecture: "X86_64", OperatingSystemFamily: "LINUX" },
    });
    const [container] = task.properties.ContainerDefinitions as Record<string, unknown>[];
    expect(container).toMatchObject({
      Name: "orders",
      Essential: true,
      User: "1000",
      ReadonlyRootFilesystem: true,
      StopTimeout: 30,
      PortMappings: [{ ContainerPort: 3000, Protocol: "tcp" }],
      LogConfiguration: { LogDriver: "awslogs" },
    });
    const env = Object.fromEntries(
      ((container?.Environment ?? []) as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    expect(env).toEqual({
      LOG_LEVEL: "info",
      NODE_ENV: "production",
      PORT: "3000",
      SERVICE_NAME: "orders",
      HEALTH_CHECK_PATH: "/health",
      SHUTDOWN_GRACE_MS: "25000",
    });
    // No SERVICE_VERSION: the image carries it, and an entry here would override it in every pipeline revision.
    expect(env.SERVICE_VERSION).toBeUndefined();
    const secrets = container?.Secrets as { Name: string; ValueFrom: unknown }[];
    expect(secrets.map((x) => x.Name).sort()).toEqual(["API_KEY", "DB_PASSWORD"]);
    expect(JSON.stringify(secrets)).toContain("secret:orders/db-AbCdEf:password::");
  });

  it("logs to its own log group with the configured retention", () => {
    const task = onlyResource(s.json(STACK), "AWS::ECS::TaskDefinition");
    const [container] = task.properties.ContainerDefinitions as {
      LogConfiguration: { Options: Record<string, unknown> };
    }[];
    const groupRef = container?.LogConfiguration.Options["awslogs-group"] as { Ref: string };
    expect(Object.keys(container?.LogConfiguration.Options ?? {}).sort()).toEqual([
      "awslogs-group",
      "awslogs-region",
      "awslogs-stream-prefix",
    ]);
    expect(s.json(STACK).Resources[groupRef.Ref]).toMatchObject({
      Type: "AWS::Logs::LogGroup",
      Properties: { RetentionInDays: 30 },
    });
  });

  it("gives the execution role exactly the secrets it needs, no more", () => {
    const policies = Object.values(resourcesOfType(s.json(STACK), "AWS::IAM::Policy"));
    const text = JSON.stringify(policies);
    expect(text).toContain('"secretsmanager:GetSecretValue"');
    expect(text).toContain("secret:orders/db-AbCdEf-??????");
    expect(text).toContain('"ssm:GetParameters"');
    expect(text).not.toContain('"secretsmanager:*"');
  });

  it("references the task definition BY FAMILY and depends on the task definition resource", () => {
    const json = s.json(STACK);
    const service = onlyResource(json, "AWS::ECS::Service");
    const task = onlyResource(json, "AWS::ECS::TaskDefinition");
    expect(service.properties.TaskDefinition).toBe("bluegreen-orders");
    expect(service.dependsOn).toContain(task.logicalId);
  });

  it("runs the service in private subnets under the CODE_DEPLOY controller, registered in the blue group", () => {
    const json = s.json(STACK);
    const service = onlyResource(json, "AWS::ECS::Service");
    expect(service.properties).toMatchObject({
      DeploymentController: { Type: "CODE_DEPLOY" },
      LaunchType: "FARGATE",
      DesiredCount: 2,
      HealthCheckGracePeriodSeconds: 30,
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } },
    });
    const subnets = JSON.stringify(
      (service.properties.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: unknown } }).AwsvpcConfiguration
        .Subnets,
    );
    expect(subnets).toContain("privateSubnet");
    expect(subnets).not.toContain("publicSubnet");
    const [binding] = service.properties.LoadBalancers as { TargetGroupArn: { Ref: string } }[];
    expect(binding).toMatchObject({ ContainerName: "orders", ContainerPort: 3000 });
    expect(binding?.TargetGroupArn.Ref).toMatch(/Blue/);
  });

  it("admits only the load balancer's security group on the container port", () => {
    const json = s.json(STACK);
    const ingress = Object.values(resourcesOfType(json, "AWS::EC2::SecurityGroupIngress")).map((r) => r.Properties);
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ IpProtocol: "tcp", FromPort: 3000, ToPort: 3000 });
    expect(JSON.stringify(ingress[0]?.SourceSecurityGroupId)).toContain("LoadBalancerSecurityGroup");
    expect(JSON.stringify(ingress[0]?.GroupId)).toContain("FargateSecurityGroup");
  });

  it("puts an internet-facing ALB with access logs, dropped invalid headers and a 60 s idle timeout in front", () => {
    const alb = onlyResource(s.json(STACK), "AWS::ElasticLoadBalancingV2::LoadBalancer");
    expect(alb.properties.Scheme).toBe("internet-facing");
    const attributes = Object.fromEntries(
      (alb.properties.LoadBalancerAttributes as { Key: string; Value: unknown }[]).map((a) => [a.Key, a.Value]),
    );
    expect(attributes).toMatchObject({
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "idle_timeout.timeout_seconds": "60",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.prefix": "alb/orders",
    });
    expect(JSON.stringify(alb.properties.Subnets)).toContain("publicSubnet");
  });

  it("listens on 80 (forward to blue) and on the test port (forward to green), the test port for allowed CIDRs and the NAT only", () => {
    const t = s.template(STACK);
    const listeners = Object.values(resourcesOfType(s.json(STACK), "AWS::ElasticLoadBalancingV2::Listener"));
    expect(listeners.map((l) => l.Properties?.Port).sort()).toEqual([80, 9000]);
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      Protocol: "HTTP",
      DefaultActions: [{ Type: "forward", TargetGroupArn: { Ref: Match.stringLikeRegexp("Blue") } }],
    });
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 9000,
      Protocol: "HTTP",
      DefaultActions: [{ Type: "forward", TargetGroupArn: { Ref: Match.stringLikeRegexp("Green") } }],
    });
    const albGroup = Object.entries(resourcesOfType(s.json(STACK), "AWS::EC2::SecurityGroup")).find(([id]) =>
      id.startsWith("LoadBalancerSecurityGroup"),
    )?.[1].Properties as { SecurityGroupIngress: { FromPort: number; CidrIp: unknown }[] };
    const testRules = albGroup.SecurityGroupIngress.filter((rule) => rule.FromPort === 9000);
    expect(testRules.map((rule) => JSON.stringify(rule.CidrIp))).toEqual([
      '"203.0.113.0/24"',
      expect.stringMatching(/EIP.*PublicIp.*\/32/),
    ]);
    expect(albGroup.SecurityGroupIngress.filter((rule) => rule.FromPort === 80)).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0" }),
    ]);
  });

  it("has blue and green ip target groups with tuned health checks and a short deregistration delay", () => {
    const groups = Object.values(resourcesOfType(s.json(STACK), "AWS::ElasticLoadBalancingV2::TargetGroup"));
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.Properties).toMatchObject({
        TargetType: "ip",
        Port: 3000,
        Protocol: "HTTP",
        HealthCheckPath: "/health",
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 4,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
        Matcher: { HttpCode: "200" },
        TargetGroupAttributes: expect.arrayContaining([{ Key: "deregistration_delay.timeout_seconds", Value: "10" }]),
      });
    }
  });

  it("wires CodeDeploy blue/green with the manifest's canary, termination wait, rollback and four alarms", () => {
    const json = s.json(STACK);
    const group = onlyResource(json, "AWS::CodeDeploy::DeploymentGroup");
    expect(group.properties).toMatchObject({
      DeploymentGroupName: "bluegreen-orders",
      DeploymentConfigName: "CodeDeployDefault.ECSCanary10Percent5Minutes",
      DeploymentStyle: { DeploymentOption: "WITH_TRAFFIC_CONTROL", DeploymentType: "BLUE_GREEN" },
      BlueGreenDeploymentConfiguration: {
        TerminateBlueInstancesOnDeploymentSuccess: { Action: "TERMINATE", TerminationWaitTimeInMinutes: 5 },
      },
      AutoRollbackConfiguration: { Enabled: true },
      AlarmConfiguration: { Enabled: true },
    });
    const events = (group.properties.AutoRollbackConfiguration as { Events: string[] }).Events;
    expect([...events].sort()).toEqual([
      "DEPLOYMENT_FAILURE",
      "DEPLOYMENT_STOP_ON_ALARM",
      "DEPLOYMENT_STOP_ON_REQUEST",
    ]);
    const alarms = (group.properties.AlarmConfiguration as { Alarms: unknown[] }).Alarms;
    expect(alarms).toHaveLength(4);
    const info = JSON.stringify(group.properties.LoadBalancerInfo);
    expect(info).toMatch(/LoadBalancerBlue/);
    expect(info).toMatch(/LoadBalancerGreen/);
    expect(info).toMatch(/LoadBalancerProduction/);
    expect(info).toMatch(/LoadBalancerTest/);
  });

  it("alarms on target 5xx, unhealthy hosts in EITHER target group, and p95 response time", () => {
    const alarms = Object.values(resourcesOfType(s.json(STACK), "AWS::CloudWatch::Alarm")).map((a) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a?.MetricName === name);
    expect(byMetric("HTTPCode_Target_5XX_Count")).toEqual([
      expect.objectContaining({ Statistic: "Sum", Threshold: 5, TreatMissingData: "notBreaching" }),
    ]);
    const unhealthy = byMetric("UnHealthyHostCount");
    expect(unhealthy).toHaveLength(2);
    const groups = unhealthy.map((a) => JSON.stringify(a?.Dimensions));
    expect(groups.some((d) => d.includes("LoadBalancerBlue"))).toBe(true);
    expect(groups.some((d) => d.includes("LoadBalancerGreen"))).toBe(true);
    expect(byMetric("TargetResponseTime")).toEqual([
      expect.objectContaining({ ExtendedStatistic: "p95", Threshold: 2 }),
    ]);
  });

  it("scales between the manifest's min and max on CPU and on requests per target summed over both groups", () => {
    const json = s.json(STACK);
    expect(onlyResource(json, "AWS::ApplicationAutoScaling::ScalableTarget").properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 6,
      ScalableDimension: "ecs:service:DesiredCount",
      ServiceNamespace: "ecs",
    });
    const policies = Object.values(resourcesOfType(json, "AWS::ApplicationAutoScaling::ScalingPolicy")).map(
      (p) => p.Properties?.TargetTrackingScalingPolicyConfiguration as Record<string, unknown>,
    );
    expect(policies).toContainEqual(
      expect.objectContaining({
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        TargetValue: 60,
      }),
    );
    const requests = policies.find((p) => p.CustomizedMetricSpecification) as {
      TargetValue: number;
      CustomizedMetricSpecification: { Metrics: { Id: string; Expression?: string; MetricStat?: unknown }[] };
    };
    expect(requests.TargetValue).toBe(500);
    const metrics = requests.CustomizedMetricSpecification.Metrics;
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("FILL(blue, 0) + FILL(green, 0)");
    const stats = JSON.stringify(metrics.filter((m) => m.MetricStat));
    expect(stats).toContain("RequestCountPerTarget");
    expect(stats).toMatch(/LoadBalancerBlue.*LoadBalancerGreen/);
  });

  it("keeps images in an immutable, scanned, encrypted ECR repository with a keep-last-N rule", () => {
    const repo = Object.entries(resourcesOfType(s.json(STACK), "AWS::ECR::Repository")).find(([id]) =>
      id.startsWith("ImageRepository"),
    )?.[1] as unknown;
    expect(repo).toMatchObject({
      Properties: {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: "IMMUTABLE",
        EncryptionConfiguration: { EncryptionType: "AES256" },
      },
      DeletionPolicy: "Retain",
    });
    const policy = JSON.parse(
      (repo as { Properties: { LifecyclePolicy: { LifecyclePolicyText: string } } }).Properties.LifecyclePolicy
        .LifecyclePolicyText,
    );
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

describe("deployment strategies and HTTPS", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: [
        manifest("all", 3001, { deployment: { strategy: "all-at-once", testTrafficHook: false } }),
        manifest("canary", 3002, { deployment: { strategy: "canary", percent: 20, intervalMinutes: 7 } }),
        manifest("linear", 3003, { deployment: { strategy: "linear", percent: 10, intervalMinutes: 1 } }),
        manifest("linear-custom", 3004, {
          deployment: { strategy: "linear", percent: 25, intervalMinutes: 2, terminationWaitMinutes: 0 },
        }),
      ],
      config: {
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        notificationEmail: "ops@example.com",
      },
    });
  });

  it("maps all-at-once to ECSAllAtOnce and leaves out the hook when disabled", () => {
    const json = s.json("bluegreen-all");
    expect(onlyResource(json, "AWS::CodeDeploy::DeploymentGroup").properties.DeploymentConfigName).toBe(
      "CodeDeployDefault.ECSAllAtOnce",
    );
    expect(Object.keys(resourcesOfType(json, "AWS::Lambda::Function"))).toHaveLength(0);
    expect(json.Outputs?.HookFunctionName).toBeUndefined();
  });

  it("creates a custom time-based canary when no predefined config matches", () => {
    const json = s.json("bluegreen-canary");
    expect(onlyResource(json, "AWS::CodeDeploy::DeploymentConfig").properties).toMatchObject({
      ComputePlatform: "ECS",
      TrafficRoutingConfig: {
        Type: "TimeBasedCanary",
        TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 7 },
      },
    });
  });

  it("uses the predefined linear config when it matches, a custom one otherwise", () => {
    expect(
      onlyResource(s.json("bluegreen-linear"), "AWS::CodeDeploy::DeploymentGroup").properties.DeploymentConfigName,
    ).toBe("CodeDeployDefault.ECSLinear10PercentEvery1Minutes");
    const custom = s.json("bluegreen-linear-custom");
    expect(onlyResource(custom, "AWS::CodeDeploy::DeploymentConfig").properties).toMatchObject({
      TrafficRoutingConfig: { Type: "TimeBasedLinear", TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 } },
    });
    expect(onlyResource(custom, "AWS::CodeDeploy::DeploymentGroup").properties).toMatchObject({
      BlueGreenDeploymentConfiguration: {
        TerminateBlueInstancesOnDeploymentSuccess: { TerminationWaitTimeInMinutes: 0 },
      },
    });
  });

  it("serves HTTPS on 443 with the certificate and redirects HTTP, keeping the test listener on plain HTTP", () => {
    const t = s.template("bluegreen-canary");
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [{ CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" }],
      DefaultActions: [{ Type: "forward", TargetGroupArn: { Ref: Match.stringLikeRegexp("Blue") } }],
    });
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      DefaultActions: [
        { Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } },
      ],
    });
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Port: 9000, Protocol: "HTTP" });
    expect(JSON.stringify(s.json("bluegreen-canary").Outputs?.ServiceUrl?.Value)).toContain("https://");
  });

  it("sends alarm notifications to the e-mail topic when one is configured", () => {
    s.template("bluegreen-shared").hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
    const alarms = Object.values(resourcesOfType(s.json("bluegreen-canary"), "AWS::CloudWatch::Alarm"));
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
  });
});
