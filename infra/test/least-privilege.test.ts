// What a security reviewer reads in the synthesized templates: who may assume each role, and what CodeDeploy's role
// may touch.
import { beforeAll, describe, expect, it } from "vitest";
import { list, manifest, resourcesOfType, type Scenario, synthesize, type TemplateJson } from "./support/synth.ts";

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Service principals AWS recommends aws:SourceAccount / aws:SourceArn conditions for (confused deputy). */
const DEPUTY_SERVICES = [
  "codebuild.amazonaws.com",
  "codepipeline.amazonaws.com",
  "codedeploy.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
];

function roles(template: TemplateJson) {
  return Object.entries(resourcesOfType(template, "AWS::IAM::Role")).map(([id, resource]) => ({
    id,
    properties: resource.Properties ?? {},
    trust: (resource.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
  }));
}

function policyStatementsOf(template: TemplateJson, roleId: string): Statement[] {
  return Object.values(resourcesOfType(template, "AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
    );
}

describe("least privilege in the synthesized templates", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({ manifests: [manifest("orders", 3000)] });
  });

  it("every role a deputy service assumes names the account and the resource it acts for", () => {
    const checked: string[] = [];
    for (const stack of ["bluegreen-shared", "bluegreen-orders"]) {
      for (const role of roles(s.json(stack))) {
        for (const statement of role.trust) {
          const services = list(
            (statement as { Principal?: { Service?: string | string[] } }).Principal?.Service ?? [],
          );
          const deputy = services.filter((service) => DEPUTY_SERVICES.includes(service));
          if (deputy.length === 0) continue;
          checked.push(`${deputy.join(",")} -> ${stack}/${role.id}`);
          expect(statement.Condition, `${stack}/${role.id}`).toMatchObject({
            StringEquals: { "aws:SourceAccount": "000000000000" },
            ArnLike: { "aws:SourceArn": expect.anything() },
          });
        }
      }
    }
    // The flow logs, the build, the pipeline, CodeDeploy, and the task's two roles.
    expect(checked.map((line) => line.split(" -> ")[0]).sort()).toEqual(
      [
        "vpc-flow-logs.amazonaws.com",
        "codebuild.amazonaws.com",
        "codepipeline.amazonaws.com",
        "codedeploy.amazonaws.com",
        "ecs-tasks.amazonaws.com",
        "ecs-tasks.amazonaws.com",
      ].sort(),
    );
  });

  it("each names exactly its own resource: this project, this pipeline, this deployment group", () => {
    const template = s.json("bluegreen-orders");
    const sourceArn = (service: string) =>
      JSON.stringify(
        roles(template)
          .flatMap((role) => role.trust)
          .find((statement) => JSON.stringify(statement).includes(service))?.Condition,
      );
    expect(sourceArn("codebuild.amazonaws.com")).toContain(":project/bluegreen-orders");
    expect(sourceArn("codepipeline.amazonaws.com")).toContain(":bluegreen-orders");
    expect(sourceArn("codedeploy.amazonaws.com")).toContain(":deploymentgroup:bluegreen-orders/bluegreen-orders");
    expect(sourceArn("ecs-tasks.amazonaws.com")).toMatch(/:ecs:us-east-1:000000000000:\*/);
  });

  describe("CodeDeploy's role", () => {
    let template: TemplateJson;
    let role: ReturnType<typeof roles>[number];
    let statements: Statement[];
    beforeAll(() => {
      template = s.json("bluegreen-orders");
      role = roles(template).find((candidate) =>
        JSON.stringify(candidate.trust).includes("codedeploy.amazonaws.com"),
      ) as ReturnType<typeof roles>[number];
      statements = policyStatementsOf(template, role.id);
    });
    const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);

    it("has no managed policy (not AWSCodeDeployRoleForECS, which reaches every service and role)", () => {
      expect(role.properties.ManagedPolicyArns).toBeUndefined();
    });

    it("changes this service's task sets and its own two listeners and their rules only", () => {
      const service = Object.keys(resourcesOfType(template, "AWS::ECS::Service"))[0] as string;
      expect(list(bySid("TaskSets")?.Action).sort()).toEqual([
        "ecs:CreateTaskSet",
        "ecs:DeleteTaskSet",
        "ecs:DescribeServices",
        "ecs:UpdateServicePrimaryTaskSet",
      ]);
      const taskSetResources = JSON.stringify(bySid("TaskSets")?.Resource);
      expect(taskSetResources).toContain(`{"Ref":"${service}"}`);
      expect(taskSetResources).toContain(":task-set/");
      const listeners = Object.keys(resourcesOfType(template, "AWS::ElasticLoadBalancingV2::Listener"));
      expect(bySid("SwitchListeners")?.Resource).toEqual(listeners.map((id) => ({ Ref: id })));
      expect(JSON.stringify(bySid("SwitchListenerRules")?.Resource)).toContain(":listener-rule/");
      for (const id of listeners) expect(JSON.stringify(bySid("SwitchListenerRules")?.Resource)).toContain(id);
    });

    it("invokes only its hook, reads only its alarms and its own artifacts, passes only its task's two roles", () => {
      expect(bySid("InvokeHook")?.Resource).toBe(
        "arn:aws:lambda:us-east-1:000000000000:function:CodeDeployHook_bluegreen-orders",
      );
      const alarms = Object.keys(resourcesOfType(template, "AWS::CloudWatch::Alarm"));
      const read = list(bySid("ReadAlarms")?.Resource);
      expect(read).toEqual(expect.arrayContaining(alarms.map((id) => ({ "Fn::GetAtt": [id, "Arn"] }))));
      expect(read).toHaveLength(alarms.length);
      expect(JSON.stringify(bySid("ReadRevision")?.Resource)).toContain("ArtifactsBucket");
      expect(bySid("PassTaskRoles")).toMatchObject({
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      });
      expect(JSON.stringify(bySid("PassTaskRoles")?.Resource)).toMatch(/TaskExecutionRole.*TaskTaskRole/);
    });

    it("names Resource * only for the load balancer Describe* calls", () => {
      const star = statements.filter((statement) => JSON.stringify(statement.Resource) === '"*"');
      expect(star.flatMap((statement) => list(statement.Action)).sort()).toEqual([
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
      ]);
    });
  });
});
