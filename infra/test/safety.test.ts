import type { ServiceManifestInput } from "@repo/service-contract";
import { parseDeploymentConfig } from "@repo/service-contract";
import { Stack, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildInfra, createApp } from "../lib/infra-app.ts";
import { nagFindings } from "./support/nag.ts";
import { makeRepo, manifest, resourcesOfType, type Scenario, synthesize, type TemplateJson } from "./support/synth.ts";

function acknowledgements(root: IConstruct): { path: string; isStack: boolean; ids: string[]; reasons: string[] }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((entry) => {
        const data = entry.data as Record<string, string | { reason?: string }>;
        return {
          path: construct.node.path,
          isStack: Stack.isStack(construct),
          ids: Object.keys(data),
          reasons: Object.values(data).map((v) => (typeof v === "string" ? v : (v.reason ?? ""))),
        };
      }),
  );
}

describe("cdk-nag AwsSolutions", () => {
  let plain: Scenario;
  let https: Scenario;
  let connections: Scenario;
  beforeAll(() => {
    connections = synthesize({
      manifests: [manifest("orders", 3000, { deployment: { manualApproval: true } })],
      config: {
        source: {
          type: "codeconnections",
          connectionArn: "arn:aws:codestar-connections:eu-west-1:123456789012:connection/abc-123",
          owner: "acme",
          repo: "shop",
        },
      },
    });
    plain = synthesize({
      manifests: [manifest("orders", 3000), manifest("billing", 3001, { deployment: { testTrafficHook: false } })],
      config: { source: { type: "codecommit", repositoryName: "existing-repo", createRepository: false } },
    });
    https = synthesize({
      manifests: [manifest("orders", 3000)],
      config: {
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        notificationEmail: "ops@example.com",
        testListenerAllowedCidrs: ["198.51.100.7/32"],
      },
      env: { CDK_DEFAULT_ACCOUNT: "123456789012", CDK_DEFAULT_REGION: "eu-west-1" },
    });
  });

  it("finds no unacknowledged error or warning in any stack", () => {
    for (const scenario of [plain, https, connections]) {
      const stacks = [scenario.infra.shared, ...scenario.infra.services];
      expect(stacks.length).toBeGreaterThan(1);
      for (const stack of stacks)
        expect({ stack: stack.stackName, findings: nagFindings(stack) }).toEqual({
          stack: stack.stackName,
          findings: [],
        });
    }
  });

  it("really checks: an unencrypted, unlogged bucket is reported", () => {
    const stack = new Stack(createApp(), "Probe");
    new s3.CfnBucket(stack, "Naked");
    expect(nagFindings(stack).map((f) => f.rule)).toEqual(
      expect.arrayContaining(["AwsSolutions-S1", "AwsSolutions-S10"]),
    );
  });

  it("acknowledges findings only on resources, never on a stack or the app, each with a specific reason", () => {
    // Only cdk-nag's rules: CDK itself acknowledges some of its CloudFormation-Validate rules internally.
    const acks = acknowledgements(https.infra.shared.node.root)
      .map((ack) => ({ ...ack, ids: ack.ids.map((id) => id.replace(/^annotation::/i, "")) }))
      .filter((ack) => ack.ids.some((id) => id.startsWith("AwsSolutions-")));
    expect(acks.length).toBeGreaterThan(3);
    for (const ack of acks) {
      expect(ack.isStack).toBe(false);
      expect(ack.path.split("/").length).toBeGreaterThan(1);
      for (const reason of ack.reasons) expect(reason.length).toBeGreaterThan(40);
    }
    const ids = acks.flatMap((a) => a.ids);
    const logicalId = (pattern: RegExp) =>
      Object.keys(https.json("bluegreen-orders").Resources).find((id) => pattern.test(id)) as string;
    const buildProjectId = logicalId(/^BuildProject[0-9A-F]{8}$/);
    // cdk-nag's flattening of Fn::Join(Select(0, Split), ":<child>/", Select(1, Split), "/*").
    const childrenFinding = (parent: string, from: string, to: string) => {
      const part = (index: number) => `{"Fn::Select":[${index},{"Fn::Split":[":${from}/",{"Ref":"${parent}"}]}]}`;
      return `AwsSolutions-IAM5[Resource::${part(0)}:${to}/${part(1)}/*]`;
    };
    expect(new Set(ids)).toEqual(
      new Set([
        "AwsSolutions-S1",
        "AwsSolutions-SNS2",
        "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-ECS2",
        "AwsSolutions-EC23",
        // The push router's failed-push queue is itself a dead-letter queue.
        "AwsSolutions-SQS3",
        // The service's pipeline: CDK's artifact grants, its own family's revisions, its project's log streams.
        "AwsSolutions-CB4",
        "AwsSolutions-IAM5[Action::s3:Abort*]",
        "AwsSolutions-IAM5[Action::s3:DeleteObject*]",
        "AwsSolutions-IAM5[Action::s3:GetBucket*]",
        "AwsSolutions-IAM5[Action::s3:GetObject*]",
        "AwsSolutions-IAM5[Action::s3:List*]",
        // The service's own artifact bucket, and (CodeDeploy's role) its own task sets and listener rules.
        `AwsSolutions-IAM5[Resource::<${logicalId(/^ArtifactsBucket[0-9A-F]{8}$/)}.Arn>/*]`,
        childrenFinding(logicalId(/^FargateService[0-9A-F]{8}$/), "service", "task-set"),
        childrenFinding(logicalId(/^LoadBalancerProduction[0-9A-F]{8}$/), "listener", "listener-rule"),
        childrenFinding(logicalId(/^LoadBalancerTest[0-9A-F]{8}$/), "listener", "listener-rule"),
        "AwsSolutions-IAM5[Resource::arn:aws:ecs:eu-west-1:123456789012:task-definition/bluegreen-orders:*]",
        `AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/<${buildProjectId}>:*]`,
      ]),
    );
    // Resource::* is acknowledged only on the roles of actions AWS grants on * alone (and the hook's VPC network
    // interfaces, which do not exist before Lambda creates them).
    const star = acks.filter((ack) => ack.ids.includes("AwsSolutions-IAM5[Resource::*]")).map((ack) => ack.path);
    expect(star.sort()).toEqual(
      [
        "bluegreen-orders/Task/ExecutionRole",
        "bluegreen-orders/BlueGreen/ServiceRole/Role",
        "bluegreen-orders/BlueGreen/TestTrafficHook/Role",
        "bluegreen-orders/Build/Role",
      ].sort(),
    );
  });

  it("runs at synth: buildInfra registers the pack, so a finding fails synthesis", () => {
    const app = createApp();
    const infra = buildInfra(app, {
      repoRoot: makeRepo([]),
      config: parseDeploymentConfig({}, "test.json"),
      configFile: "test.json",
      env: {},
    });
    new s3.CfnBucket(infra.shared, "Naked");
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});

describe("CDK's built-in CloudFormation validation", () => {
  it("accepts the templates (schema and default rules)", () => {
    expect(() => synthesize({ manifests: [manifest("orders", 3000)], cfnValidation: true, nag: true })).not.toThrow();
  });
});

/** Properties whose change makes CloudFormation REPLACE the resource (the stateful types this app creates). */
const REPLACEMENT_PROPERTIES: Record<string, string[]> = {
  "AWS::ECR::Repository": ["RepositoryName", "EncryptionConfiguration"],
  "AWS::S3::Bucket": ["BucketName", "ObjectLockEnabled"],
  "AWS::Logs::LogGroup": ["LogGroupName", "LogGroupClass", "KmsKeyId"],
  "AWS::CodeCommit::Repository": ["RepositoryName"],
};

describe("changing a service's settings", () => {
  const before: ServiceManifestInput = manifest("orders", 3000, {
    cpu: 256,
    memory: 512,
    desiredCount: 2,
    scaling: { minTasks: 2, maxTasks: 4, requestsPerTarget: 500, cpuPercent: 60 },
    environment: { LOG_LEVEL: "info" },
  });
  const after: ServiceManifestInput = manifest("orders", 3000, {
    cpu: 1024,
    memory: 4096,
    desiredCount: 5,
    scaling: { minTasks: 3, maxTasks: 12, requestsPerTarget: 900, cpuPercent: 45 },
    environment: { LOG_LEVEL: "debug", FEATURE_X: "on" },
  });
  let old: TemplateJson;
  let changed: TemplateJson;
  let oldShared: TemplateJson;
  let changedShared: TemplateJson;
  beforeAll(() => {
    const a = synthesize({ manifests: [before] });
    const b = synthesize({ manifests: [after] });
    old = a.json("bluegreen-orders");
    changed = b.json("bluegreen-orders");
    oldShared = a.json("bluegreen-shared");
    changedShared = b.json("bluegreen-shared");
  });

  it("did change the task definition and the scaling (the test would be void otherwise)", () => {
    const id = Object.keys(resourcesOfType(old, "AWS::ECS::TaskDefinition"))[0] as string;
    expect(changed.Resources[id]?.Properties).not.toEqual(old.Resources[id]?.Properties);
    expect(resourcesOfType(changed, "AWS::ApplicationAutoScaling::ScalableTarget")).not.toEqual(
      resourcesOfType(old, "AWS::ApplicationAutoScaling::ScalableTarget"),
    );
  });

  it("leaves listeners and target groups exactly as they were (logical ids and properties)", () => {
    for (const type of ["AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::TargetGroup"]) {
      const a = resourcesOfType(old, type);
      expect(Object.keys(a).length).toBeGreaterThan(0);
      expect(resourcesOfType(changed, type)).toEqual(a);
    }
    expect(resourcesOfType(changed, "AWS::ElasticLoadBalancingV2::LoadBalancer")).toEqual(
      resourcesOfType(old, "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    );
  });

  it("keeps every stateful resource: same logical ids, same replacement-relevant properties", () => {
    for (const [oldTemplate, newTemplate] of [
      [old, changed],
      [oldShared, changedShared],
    ] as const) {
      for (const [type, properties] of Object.entries(REPLACEMENT_PROPERTIES)) {
        const a = resourcesOfType(oldTemplate, type);
        const b = resourcesOfType(newTemplate, type);
        expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
        for (const [id, resource] of Object.entries(a)) {
          for (const property of properties) {
            expect(b[id]?.Properties?.[property]).toEqual(resource.Properties?.[property]);
          }
        }
      }
    }
    // The image repository and the build cache repository; the service's artifact bucket; the shared log bucket.
    expect(Object.keys(resourcesOfType(old, "AWS::ECR::Repository"))).toHaveLength(2);
    expect(Object.keys(resourcesOfType(old, "AWS::S3::Bucket"))).toHaveLength(1);
    expect(Object.keys(resourcesOfType(oldShared, "AWS::S3::Bucket"))).toHaveLength(1);
  });

  it("never updates the service's TaskDefinition: it stays the family name while the task definition changes", () => {
    const service = (t: TemplateJson) => Object.values(resourcesOfType(t, "AWS::ECS::Service"))[0]?.Properties;
    expect(service(old)?.TaskDefinition).toBe("bluegreen-orders");
    expect(service(changed)?.TaskDefinition).toBe(service(old)?.TaskDefinition);
  });

  it("does not touch the shared stack at all", () => {
    expect(changedShared).toEqual(oldShared);
  });
});

describe("offline synthesis", () => {
  it("needs no lookup without credentials: no missing context, placeholder account/region", () => {
    const s = synthesize({ manifests: [manifest("orders", 3000)] });
    expect(s.assembly.manifest.missing ?? []).toEqual([]);
    expect(s.infra.shared.account).toBe("000000000000");
    const subnets = Object.values(resourcesOfType(s.json("bluegreen-shared"), "AWS::EC2::Subnet"));
    expect(subnets).toHaveLength(4);
    expect(JSON.stringify(subnets.map((x) => x.Properties?.AvailabilityZone))).toContain("Fn::GetAZs");
  });

  it("uses CDK_DEFAULT_ACCOUNT/REGION, and the config overrides them", () => {
    const s = synthesize({
      manifests: [],
      config: { region: "eu-central-1" },
      env: { CDK_DEFAULT_ACCOUNT: "123456789012", CDK_DEFAULT_REGION: "us-west-2" },
    });
    expect(s.infra.shared.account).toBe("123456789012");
    expect(s.infra.shared.region).toBe("eu-central-1");
  });

  it("refuses an existing VPC without a real account/region, naming the config field", () => {
    const network = { vpcId: "vpc-0123456789abcdef0", egressCidrs: ["203.0.113.10/32"] };
    expect(() => synthesize({ manifests: [], config: { network } })).toThrow(
      /test\/deployment\.config\.json: network\.vpcId: .*needs a real account and region/,
    );
  });

  it("gives every Lambda function, CDK's own included, a log group with the configured retention", () => {
    const s = synthesize({ manifests: [manifest("orders", 3000)], config: { logRetentionDays: 14 } });
    let functions = 0;
    for (const name of ["bluegreen-shared", "bluegreen-orders"]) {
      const json = s.json(name);
      for (const group of Object.values(resourcesOfType(json, "AWS::Logs::LogGroup"))) {
        expect(group.Properties?.RetentionInDays).toBe(14);
      }
      for (const fn of Object.values(resourcesOfType(json, "AWS::Lambda::Function"))) {
        functions++;
        const ref = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
        expect(ref && json.Resources[ref]?.Type).toBe("AWS::Logs::LogGroup");
      }
    }
    // CDK's default-security-group handler and the push router (shared), the test-traffic hook (service).
    expect(functions).toBe(3);
  });
});

describe("twenty services", () => {
  it("get one stack each, with distinct families and ports, and pass cdk-nag", () => {
    const manifests = Array.from({ length: 20 }, (_, i) => manifest(`svc-${String(i + 1).padStart(2, "0")}`, 4001 + i));
    const s = synthesize({ manifests });
    expect(s.infra.services.map((stack) => stack.stackName)).toEqual(manifests.map((m) => `bluegreen-${m.name}`));
    expect(new Set(s.infra.services.map((stack) => stack.targets.taskFamily)).size).toBe(20);
    for (const stack of s.infra.services) expect(nagFindings(stack)).toEqual([]);
  });
});

describe("break glass: shipping a fix through a failing service (service.json deployment.breakGlass)", () => {
  let normal: TemplateJson;
  let broken: TemplateJson;
  beforeAll(() => {
    normal = synthesize({ manifests: [manifest("orders", 3000)] }).json("bluegreen-orders");
    broken = synthesize({ manifests: [manifest("orders", 3000, { deployment: { breakGlass: true } })] }).json(
      "bluegreen-orders",
    );
  });
  const group = (template: TemplateJson) =>
    Object.values(resourcesOfType(template, "AWS::CodeDeploy::DeploymentGroup"))[0]?.Properties as {
      AlarmConfiguration: { Enabled: boolean; Alarms: unknown[] };
      AutoRollbackConfiguration: { Events: string[] };
    };

  it("normally stops and rolls back a deployment on any of its alarms", () => {
    expect(group(normal).AlarmConfiguration).toMatchObject({ Enabled: true });
    expect(group(normal).AutoRollbackConfiguration.Events).toContain("DEPLOYMENT_STOP_ON_ALARM");
  });

  it("with breakGlass keeps the alarms (and their notifications) but lets no alarm stop the deployment", () => {
    expect(group(broken).AlarmConfiguration.Enabled).toBe(false);
    expect(group(broken).AlarmConfiguration.Alarms).toEqual(group(normal).AlarmConfiguration.Alarms);
    expect(group(broken).AutoRollbackConfiguration.Events).not.toContain("DEPLOYMENT_STOP_ON_ALARM");
    expect(group(broken).AutoRollbackConfiguration.Events).toEqual(
      expect.arrayContaining(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"]),
    );
    expect(resourcesOfType(broken, "AWS::CloudWatch::Alarm")).toEqual(
      resourcesOfType(normal, "AWS::CloudWatch::Alarm"),
    );
  });

  it("changes nothing but the deployment group: `cdk deploy` of the stack is safe mid-incident", () => {
    const changedIds = Object.keys(normal.Resources).filter(
      (id) => JSON.stringify(normal.Resources[id]) !== JSON.stringify(broken.Resources[id]),
    );
    expect(changedIds.map((id) => normal.Resources[id]?.Type)).toEqual(["AWS::CodeDeploy::DeploymentGroup"]);
  });
});
