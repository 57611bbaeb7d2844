// The ECS engine and the shared load balancer, across stacks: one CodeDeploy service and two ECS services on the
// shared load balancer synthesize cdk-nag clean; rule priorities and placement never move; a `cdk deploy` after a
// blue/green swap leaves the rules alone.
import { SERVICES_PER_SHARED_LOAD_BALANCER } from "@repo/service-contract";
import cdkNag from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import {
  manifest,
  onlyResource,
  resourcesOfType,
  type Scenario,
  synthesize,
  type TemplateJson,
} from "./support/synth.ts";

const ecs = (name: string, port: number, priority: number, extra: Record<string, unknown> = {}) =>
  manifest(name, port, { deployment: { engine: "ecs" }, route: { priority }, ...extra });

/** The shared stack's outputs that give a shared load balancer's URL (http(s)://<its DNS name>). */
const sharedUrlOutputs = (s: Scenario) =>
  Object.entries(s.json("bluegreen-shared").Outputs ?? {})
    .filter(([, output]) => JSON.stringify(output.Value).includes("DNSName"))
    .map(([name]) => name)
    .filter((name) => name.startsWith("SharedLoadBalancer"))
    .sort();

const MIXED = [
  manifest("orders", 3000),
  ecs("catalog", 3001, 1, { deployment: { engine: "ecs", strategy: "linear", percent: 20, intervalMinutes: 2 } }),
  ecs("reviews", 3002, 2, { route: { priority: 2, hosts: ["reviews.example.com"] } }),
];

describe("one CodeDeploy service and two ECS services on the shared load balancer", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({ manifests: MIXED });
  });

  it("passes cdk-nag AwsSolutions with zero findings on every stack", () => {
    for (const stack of ["bluegreen-shared", "bluegreen-orders", "bluegreen-catalog", "bluegreen-reviews"]) {
      const report = new cdkNag.AwsSolutionsChecks().validateScope(s.infra.shared.node.root.node.findChild(stack));
      expect(report.violations ?? [], stack).toEqual([]);
    }
  });

  it("puts one shared load balancer in the shared stack and none in the ECS services' stacks", () => {
    expect(
      Object.keys(resourcesOfType(s.json("bluegreen-shared"), "AWS::ElasticLoadBalancingV2::LoadBalancer")),
    ).toHaveLength(1);
    for (const name of ["catalog", "reviews"]) {
      expect(resourcesOfType(s.json(`bluegreen-${name}`), "AWS::ElasticLoadBalancingV2::LoadBalancer")).toEqual({});
    }
    // The CodeDeploy service keeps its own.
    expect(
      Object.keys(resourcesOfType(s.json("bluegreen-orders"), "AWS::ElasticLoadBalancingV2::LoadBalancer")),
    ).toHaveLength(1);
    expect(sharedUrlOutputs(s)).toEqual(["SharedLoadBalancer0Url"]);
  });

  it("runs ECS services with the manifest's strategy, rolled back on their six deployment alarms, smoke-tested by the hook", () => {
    const service = onlyResource(s.json("bluegreen-catalog"), "AWS::ECS::Service").properties;
    expect(service.DeploymentController).toEqual({ Type: "ECS" });
    expect(service.DeploymentConfiguration).toMatchObject({
      Strategy: "LINEAR",
      BakeTimeInMinutes: 5,
      LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 2 },
    });
    const { Alarms, LifecycleHooks } = service.DeploymentConfiguration as {
      Alarms: { AlarmNames: unknown[] };
      LifecycleHooks: { LifecycleStages: string[] }[];
    };
    const alarms = Object.keys(resourcesOfType(s.json("bluegreen-catalog"), "AWS::CloudWatch::Alarm"));
    expect(Alarms.AlarmNames).toEqual(alarms.map((id) => ({ Ref: id })));
    expect(alarms).toHaveLength(6);
    expect(LifecycleHooks.map((hook) => hook.LifecycleStages)).toEqual([["POST_TEST_TRAFFIC_SHIFT"]]);
  });

  it("routes each service by its manifest's route on the shared listeners, at its own priority", () => {
    const listeners = Object.keys(resourcesOfType(s.json("bluegreen-shared"), "AWS::ElasticLoadBalancingV2::Listener"));
    const rulesOf = (name: string) =>
      Object.values(resourcesOfType(s.json(`bluegreen-${name}`), "AWS::ElasticLoadBalancingV2::ListenerRule")).map(
        (rule) => rule.Properties ?? {},
      );
    for (const [name, priority, conditions] of [
      ["catalog", 1, [{ Field: "path-pattern", PathPatternConfig: { Values: ["/catalog", "/catalog/*"] } }]],
      ["reviews", 2, [{ Field: "host-header", HostHeaderConfig: { Values: ["reviews.example.com"] } }]],
    ] as const) {
      const rules = rulesOf(name);
      expect(rules, name).toHaveLength(2);
      for (const rule of rules) expect(rule, name).toMatchObject({ Priority: priority, Conditions: conditions });
      // One rule on each of the shared load balancer's listeners, imported from the shared stack.
      const onListeners = rules.map((rule) => JSON.stringify(rule.ListenerArn));
      expect(new Set(onListeners).size, name).toBe(2);
      for (const listener of onListeners)
        expect(
          listeners.some((id) => listener.includes(id)),
          listener,
        ).toBe(true);
    }
  });

  it("deploys through its own Deploy project after the same Build stage", () => {
    const template = s.json("bluegreen-catalog");
    const projects = Object.values(resourcesOfType(template, "AWS::CodeBuild::Project")).map((p) => p.Properties ?? {});
    expect(projects.map((project) => project.Name).sort()).toEqual(["bluegreen-catalog", "bluegreen-catalog-deploy"]);
    const build = projects.find((p) => p.Name === "bluegreen-catalog") as { Source: { BuildSpec: string } };
    expect(build.Source.BuildSpec).toBe("buildspec.yml");
    const pipeline = onlyResource(template, "AWS::CodePipeline::Pipeline").properties as {
      Stages: {
        Name: string;
        Actions: { ActionTypeId: { Provider: string }; Configuration: { ProjectName: unknown } }[];
      }[];
    };
    expect(pipeline.Stages.map((stage) => stage.Name)).toEqual(["Source", "Build", "Deploy"]);
    const [deploy] = pipeline.Stages[2]?.Actions ?? [];
    expect(deploy?.ActionTypeId.Provider).toBe("CodeBuild");
    const deployProject = Object.entries(resourcesOfType(template, "AWS::CodeBuild::Project")).find(
      ([, p]) => p.Properties?.Name === "bluegreen-catalog-deploy",
    )?.[0];
    expect(deploy?.Configuration.ProjectName).toEqual({ Ref: deployProject });
  });
});

describe("rule priorities and placement", () => {
  it("never renumber or move another service when one is added or removed", () => {
    const rulesOf = (s: Scenario, name: string) =>
      Object.values(resourcesOfType(s.json(`bluegreen-${name}`), "AWS::ElasticLoadBalancingV2::ListenerRule")).map(
        (rule) => rule.Properties,
      );
    const before = synthesize({ manifests: [ecs("catalog", 3001, 1), ecs("reviews", 3002, 2)] });
    const added = synthesize({ manifests: [ecs("alpha", 3003, 3), ecs("catalog", 3001, 1), ecs("reviews", 3002, 2)] });
    const removed = synthesize({ manifests: [ecs("reviews", 3002, 2)] });
    expect(rulesOf(added, "catalog")).toEqual(rulesOf(before, "catalog"));
    expect(rulesOf(added, "reviews")).toEqual(rulesOf(before, "reviews"));
    expect(rulesOf(removed, "reviews")).toEqual(rulesOf(before, "reviews"));
  });

  it("spill over to a second shared load balancer past 50 priorities, keeping the first 50 where they were", () => {
    // The load balancer is chosen by priority alone (the count of services does not enter), so the priorities on
    // either side of the boundary stand for the 50 + 2 services of a full first load balancer.
    const limit = SERVICES_PER_SHARED_LOAD_BALANCER;
    const s = synthesize({
      manifests: [1, limit, limit + 1].map((priority) => ecs(`svc-${priority}`, 4000 + priority, priority)),
    });
    expect(
      Object.keys(resourcesOfType(s.json("bluegreen-shared"), "AWS::ElasticLoadBalancingV2::LoadBalancer")),
    ).toHaveLength(2);
    const listenerOf = (name: string) =>
      JSON.stringify(
        Object.values(resourcesOfType(s.json(`bluegreen-${name}`), "AWS::ElasticLoadBalancingV2::ListenerRule"))[0]
          ?.Properties?.ListenerArn,
      );
    expect(listenerOf("svc-1")).toContain("Shared0");
    expect(listenerOf(`svc-${limit}`)).toContain("Shared0");
    expect(listenerOf(`svc-${limit + 1}`)).toContain("Shared1");
    expect(sharedUrlOutputs(s)).toEqual(["SharedLoadBalancer0Url", "SharedLoadBalancer1Url"]);
  });
});

describe("drift safety: what CDK owns and what ECS owns", () => {
  let before: TemplateJson;
  beforeAll(() => {
    before = synthesize({ manifests: [ecs("catalog", 3001, 1)] }).json("bluegreen-catalog");
  });

  it("changing a native service's settings leaves its rules and target groups exactly as they were", () => {
    const after = synthesize({
      manifests: [
        ecs("catalog", 3001, 1, {
          cpu: 1024,
          memory: 2048,
          desiredCount: 3,
          scaling: { minTasks: 3, maxTasks: 9, requestsPerTarget: 800, cpuPercent: 50 },
          environment: { FEATURE: "on" },
          deployment: { engine: "ecs", strategy: "all-at-once", terminationWaitMinutes: 10 },
        }),
      ],
    }).json("bluegreen-catalog");
    expect(JSON.stringify(after)).not.toEqual(JSON.stringify(before));
    for (const type of ["AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::ElasticLoadBalancingV2::TargetGroup"]) {
      expect(resourcesOfType(after, type), type).toEqual(resourcesOfType(before, type));
    }
    // The service names its task definition by family, so CloudFormation never starts a deployment of its own.
    expect(onlyResource(after, "AWS::ECS::Service").properties.TaskDefinition).toBe("bluegreen-catalog");
  });

  it("a new health-check path updates the target groups in place and leaves the rules (ECS's weights) alone", () => {
    const after = synthesize({ manifests: [ecs("catalog", 3001, 1, { healthCheckPath: "/ready" })] }).json(
      "bluegreen-catalog",
    );
    const rules = "AWS::ElasticLoadBalancingV2::ListenerRule";
    expect(resourcesOfType(after, rules)).toEqual(resourcesOfType(before, rules));
    const groups = resourcesOfType(after, "AWS::ElasticLoadBalancingV2::TargetGroup");
    // Same logical ids (so the same groups, updated), each checking the new path.
    expect(Object.keys(groups)).toEqual(
      Object.keys(resourcesOfType(before, "AWS::ElasticLoadBalancingV2::TargetGroup")),
    );
    for (const group of Object.values(groups)) expect(group.Properties?.HealthCheckPath).toBe("/ready");
  });
});
