// The compliance levels against AWS Control Tower's proactive controls (@cdklabs/cdk-validator-cfnguard): the
// control-tower level fails nothing but the exception file's entries, each of which still fails; the standard level's
// failures are the ones docs/security.md lists.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import cfnGuard from "@cdklabs/cdk-validator-cfnguard";
import { type DeploymentConfigInput, parseDeploymentConfig } from "@repo/service-contract";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTROL_TOWER_CONTAINER_INSIGHTS } from "../lib/compliance/control-tower-level.ts";
import {
  CONTROL_TOWER_RULES_DIR,
  type ControlTowerFinding,
  type ControlTowerRuleFile,
  controlTowerFindings,
  controlTowerRuleFiles,
  ruleFilesFor,
} from "../lib/compliance/control-tower-rules.ts";
import {
  applyExceptions,
  type ControlTowerException,
  exceptionKey,
  loadExceptions,
  stackKinds,
} from "../lib/compliance/exceptions.ts";
import { buildInfra, CONTROL_TOWER_EXCEPTIONS_FILE, createApp, DEFAULT_REPO_ROOT } from "../lib/infra-app.ts";
import { nagFindings } from "./support/nag.ts";
import { makeRepo, manifest, resourcesOfType, type Scenario, synthesize, type TemplateJson } from "./support/synth.ts";
import { temporaryDir } from "./support/temporary.ts";

const SECURITY_DOC = path.join(DEFAULT_REPO_ROOT, "docs", "security.md");
const ENV = { CDK_DEFAULT_ACCOUNT: "123456789012", CDK_DEFAULT_REGION: "eu-west-1" };
const CONTROL_TOWER: DeploymentConfigInput = {
  compliance: "control-tower",
  notificationEmail: "ops@example.com",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
};
// Every kind of resource the app creates: a CodeCommit source (push router, failed-push queue), a new VPC (flow logs,
// CDK's default-security-group handler), a service with the test-traffic hook and one without.
const MANIFESTS = [
  manifest("orders", 3000),
  manifest("billing", 3001, { deployment: { testTrafficHook: false, manualApproval: true } }),
  // The ECS engine, on the shared load balancer and on a dedicated one.
  manifest("catalog", 3002, { deployment: { engine: "ecs" }, route: { priority: 1 } }),
  manifest("reviews", 3003, { deployment: { engine: "ecs" }, loadBalancer: "dedicated" }),
];

function stacksOf(s: Scenario) {
  return [s.infra.shared, ...s.infra.services].map((stack) => ({
    stackConstructPath: stack.node.path,
    templatePath: s.assembly.getStackByName(stack.stackName).templateFullPath,
  }));
}

function findingsOf(s: Scenario): ControlTowerFinding[] {
  return controlTowerFindings(s.infra.shared.node.root, stacksOf(s));
}

function applied(s: Scenario, findings: readonly ControlTowerFinding[], exceptions: readonly ControlTowerException[]) {
  const kinds = stackKinds(s.infra.shared, s.infra.services);
  return applyExceptions(findings, exceptions, (stack) => kinds.get(stack));
}

const execFileAsync = promisify(execFile);

const describeFinding = (f: ControlTowerFinding) => `${f.control} ${f.stack}/${f.resource}`;

/** The cfn-guard binary the Control Tower plugin runs, bundled for this platform (a private field in its types). */
const CFN_GUARD = Reflect.get(new cfnGuard.CfnGuardValidator({ controlTowerRulesEnabled: false }), "guard") as string;

/** One template holding one resource of each type the stacks contain, as synthesized (its properties too). */
function oneResourcePerType(templates: readonly TemplateJson[]): string {
  const resources = new Map<string, [string, unknown]>();
  for (const template of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (!resources.has(resource.Type)) resources.set(resource.Type, [logicalId, resource]);
    }
  }
  const file = path.join(temporaryDir("types"), "one-resource-per-type.json");
  writeFileSync(
    file,
    JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: Object.fromEntries(resources.values()) }),
  );
  return file;
}

const GUARD_JSON = ["--output-format", "json", "--show-summary", "none", "--structured"];

/** What cfn-guard says of each rule of these files on this template: its --structured result. */
async function guardResult(rules: readonly string[], templatePath: string): Promise<GuardResult[]> {
  const args = ["validate", ...rules.flatMap((rule) => ["--rules", rule]), "--data", templatePath];
  const options = { maxBuffer: 64 * 1024 * 1024 };
  // Exit code 19 means a rule failed: the result says which, so that is not an error here.
  const { stdout } = await execFileAsync(CFN_GUARD, [...args, ...GUARD_JSON], options).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code === 19 && error.stdout) return { stdout: error.stdout };
      throw new Error(`cfn-guard exited ${error.code}: ${error.stderr}`);
    },
  );
  return JSON.parse(stdout) as GuardResult[];
}

interface GuardResult {
  status: string;
  compliant: unknown[];
  not_compliant: unknown[];
  not_applicable: string[];
}

interface ControlTowerScenario {
  s: Scenario;
  /** The rule files the selection leaves out for these stacks, and what cfn-guard says of them (started at once). */
  skipped: ControlTowerRuleFile[];
  skippedResult: Promise<GuardResult[]>;
}

let controlTowerScenario: ControlTowerScenario | undefined;

/** The app with every kind of resource at the control-tower level, synthesized once for the file. */
function controlTower(): ControlTowerScenario {
  if (!controlTowerScenario) {
    const s = synthesize({ manifests: MANIFESTS, config: CONTROL_TOWER, env: ENV });
    const stacks = stacksOf(s);
    const selected = new Set(ruleFilesFor(stacks));
    const skipped = controlTowerRuleFiles().filter((rule) => !selected.has(rule));
    const skippedResult = guardResult(
      skipped.map((rule) => rule.file),
      oneResourcePerType([s.infra.shared, ...s.infra.services].map((stack) => s.json(stack.stackName))),
    );
    // Awaited by the last test of the file; a failure before then must not count as unhandled.
    skippedResult.catch(() => {});
    controlTowerScenario = { s, skipped, skippedResult };
  }
  return controlTowerScenario;
}

describe("compliance control-tower", () => {
  let s: Scenario;
  let findings: ControlTowerFinding[];
  const exceptions = loadExceptions(CONTROL_TOWER_EXCEPTIONS_FILE);
  beforeAll(() => {
    s = controlTower().s;
    findings = findingsOf(s);
  });

  it("fails no Control Tower control beyond the exception file", () => {
    expect(findings.length).toBeGreaterThan(0);
    expect(applied(s, findings, exceptions).failures.map(describeFinding)).toEqual([]);
  });

  it("lists only exceptions that still fail: each covers a resource that fails its control without it", () => {
    const unused = [...applied(s, findings, exceptions).used].filter(([, covered]) => covered.length === 0);
    expect(unused.map(([entry]) => exceptionKey(entry))).toEqual([]);
  });

  it("encrypts every log group with its own stack's key and keeps it a year", () => {
    let groups = 0;
    for (const stack of [s.infra.shared, ...s.infra.services]) {
      const json = s.json(stack.stackName);
      for (const group of Object.values(resourcesOfType(json, "AWS::Logs::LogGroup"))) {
        groups++;
        expect(group.Properties?.RetentionInDays).toBe(365);
        const keyArn = group.Properties?.KmsKeyId as { "Fn::GetAtt"?: [string, string] } | undefined;
        expect(json.Resources[keyArn?.["Fn::GetAtt"]?.[0] ?? ""]?.Type).toBe("AWS::KMS::Key");
      }
      expect(
        Object.keys(resourcesOfType(json, "AWS::KMS::Key")).filter((id) => id.startsWith("LogEncryptionKey")),
      ).toHaveLength(1);
    }
    // At least: shared: flow logs, the push router, CDK's handler; orders: task, hook, build; billing: task, build.
    expect(groups).toBeGreaterThanOrEqual(8);
  });

  it("protects every load balancer from deletion, runs Container Insights as the control knows it, sends bucket events", () => {
    for (const stack of [s.infra.shared, ...s.infra.services]) {
      const json = s.json(stack.stackName);
      for (const lb of Object.values(resourcesOfType(json, "AWS::ElasticLoadBalancingV2::LoadBalancer"))) {
        expect(lb.Properties?.LoadBalancerAttributes).toContainEqual({
          Key: "deletion_protection.enabled",
          Value: "true",
        });
      }
      for (const bucket of Object.values(resourcesOfType(json, "AWS::S3::Bucket"))) {
        expect(bucket.Properties?.NotificationConfiguration).toEqual({
          EventBridgeConfiguration: { EventBridgeEnabled: true },
        });
      }
    }
    const cluster = Object.values(resourcesOfType(s.json("bluegreen-shared"), "AWS::ECS::Cluster"))[0];
    expect(cluster?.Properties?.ClusterSettings).toEqual([
      { Name: "containerInsights", Value: CONTROL_TOWER_CONTAINER_INSIGHTS },
    ]);
  });

  it("stays cdk-nag clean in every stack", () => {
    for (const stack of [s.infra.shared, ...s.infra.services]) {
      expect({ stack: stack.stackName, findings: nagFindings(stack) }).toEqual({
        stack: stack.stackName,
        findings: [],
      });
    }
  });
});

describe("compliance control-tower, deployed again", () => {
  it("passes CloudFormation's own template validation", () => {
    expect(() =>
      synthesize({ manifests: [manifest("orders", 3000)], config: CONTROL_TOWER, env: ENV, cfnValidation: true }),
    ).not.toThrow();
  });

  it("leaves the load balancer, listeners and target groups as they were when only service settings change", () => {
    const resources = (memory: number, desiredCount: number) => {
      const json = synthesize({
        manifests: [manifest("orders", 3000, { memory, desiredCount })],
        config: CONTROL_TOWER,
        env: ENV,
      }).json("bluegreen-orders");
      return ["LoadBalancer", "Listener", "TargetGroup"].map((type) =>
        resourcesOfType(json, `AWS::ElasticLoadBalancingV2::${type}`),
      );
    };
    const before = resources(512, 2);
    expect(before.every((group) => Object.keys(group).length > 0)).toBe(true);
    expect(resources(2048, 4)).toEqual(before);
  });
});

describe("the Control Tower plugin at synth", () => {
  const build = (config: DeploymentConfigInput) => {
    const app = createApp();
    const infra = buildInfra(app, {
      repoRoot: makeRepo([]),
      config: parseDeploymentConfig(config, "test.json"),
      configFile: "test.json",
      env: ENV,
      nag: false,
    });
    return { app, infra };
  };

  it("passes the control-tower level as built, and fails its synthesis on a failure the exception file does not list", () => {
    expect(() => build(CONTROL_TOWER).app.synth()).not.toThrow();
    const { app, infra } = build(CONTROL_TOWER);
    new s3.CfnBucket(infra.shared, "Naked");
    expect(() => app.synth()).toThrow(/CT\.S3\.PR\.1[^0-9]/);
  });

  it("is not run at the standard level (its failures are documented, and its synth stays fast)", () => {
    const { app, infra } = build({});
    new s3.CfnBucket(infra.shared, "Naked");
    expect(() => app.synth()).not.toThrow();
  });
});

describe("compliance standard", () => {
  it("fails exactly the controls docs/security.md lists for it, beyond the exception file", () => {
    const s = synthesize({ manifests: [manifest("orders", 3000)], env: ENV });
    const { failures } = applied(s, findingsOf(s), loadExceptions(CONTROL_TOWER_EXCEPTIONS_FILE));
    const doc = readFileSync(SECURITY_DOC, "utf8");
    const section = /^## What the standard level fails\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1];
    expect(section, "docs/security.md has a section '## What the standard level fails'").toBeDefined();
    const listed = new Set(section?.match(/CT\.[A-Z0-9-]+\.PR\.\d+/g));
    expect([...listed].sort()).toEqual([...new Set(failures.map((f) => f.control))].sort());
  });
});

describe("docs/security.md", () => {
  it("lists exactly the exception file's entries (control, stack kind, resource)", () => {
    const doc = readFileSync(SECURITY_DOC, "utf8");
    const section = /^### The exceptions \(`control-tower`\)\n([\s\S]*?)(?=^#)/m.exec(doc)?.[1] ?? "";
    const rows = [...section.matchAll(/^\| (CT\.[A-Z0-9.-]+) +\| (\w+) +\| `([^`]+)` +\| ([a-z -]+?) +\|/gm)];
    expect(rows.map(([, control, stack, resource, kind]) => `${control} ${stack}:${resource} ${kind}`).sort()).toEqual(
      loadExceptions(CONTROL_TOWER_EXCEPTIONS_FILE)
        .map((entry) => `${exceptionKey(entry)} ${entry.kind}`)
        .sort(),
    );
  });
});

describe("the exception file", () => {
  const write = (content: unknown) => {
    const file = path.join(temporaryDir("exceptions"), "exceptions.json");
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };
  const entry = {
    control: "CT.S3.PR.2",
    stack: "shared",
    resource: "Storage/LogsBucket/Resource",
    kind: "by design",
    reason: "This is the access-log bucket itself: logging its own accesses into itself would loop.",
  };

  it("is the committed one, valid", () => {
    expect(loadExceptions(CONTROL_TOWER_EXCEPTIONS_FILE).length).toBeGreaterThan(0);
  });

  it("names the file, the entry and the field of every problem", () => {
    const file = write({
      exceptions: [
        { ...entry, control: "CT.S3.PR.999" },
        { ...entry, stack: "services", reason: "not needed" },
      ],
    });
    const problems = () => loadExceptions(file);
    expect(problems).toThrow(`${file}: exceptions.0.control: CT.S3.PR.999 is not a control`);
    expect(problems).toThrow(`${file}: exceptions.1.stack:`);
    expect(problems).toThrow(`${file}: exceptions.1.reason: must say why`);
    const twice = write({ exceptions: [entry, entry] });
    expect(() => loadExceptions(twice)).toThrow(
      `${twice}: exceptions.1: repeats CT.S3.PR.2 shared:Storage/LogsBucket/Resource`,
    );
    expect(() => loadExceptions(write("{ not json"))).toThrow(/cannot be read as JSON/);
  });

  it("excepts a finding only for the control, the kind of stack and the resource it names", () => {
    const s = synthesize({ manifests: [], env: ENV });
    const finding = (control: string, stack: string, resource: string) =>
      ({ control, stack, resource }) as ControlTowerFinding;
    const [exception] = loadExceptions(write({ exceptions: [entry] }));
    const result = applied(
      s,
      [
        finding("CT.S3.PR.2", "bluegreen-shared", "Storage/LogsBucket/Resource"),
        finding("CT.S3.PR.9", "bluegreen-shared", "Storage/LogsBucket/Resource"),
        finding("CT.S3.PR.2", "bluegreen-shared", "Storage/OtherBucket/Resource"),
        finding("CT.S3.PR.2", "bluegreen-orders", "Storage/LogsBucket/Resource"),
      ],
      exception ? [exception] : [],
    );
    expect(result.failures.map((f) => `${f.control} ${f.stack}/${f.resource}`)).toEqual([
      "CT.S3.PR.9 bluegreen-shared/Storage/LogsBucket/Resource",
      "CT.S3.PR.2 bluegreen-shared/Storage/OtherBucket/Resource",
      "CT.S3.PR.2 bluegreen-orders/Storage/LogsBucket/Resource",
    ]);
    expect(exception && result.used.get(exception)?.length).toBe(1);
  });
});

// Last in the file, so that cfn-guard's run on the skipped files has gone on beside every test above.
describe("the Control Tower rule selection", () => {
  it("skips only rules that apply to no resource type the templates contain", async () => {
    const everyFile = readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(controlTowerRuleFiles().map((rule) => rule.file)).toEqual(expect.arrayContaining(everyFile));
    const { skipped, skippedResult } = controlTower();
    expect(skipped.length).toBeGreaterThan(0);
    // Every Control Tower rule runs only when the template holds a resource of its type(s). cfn-guard evaluates each
    // rule file on its own, so a skipped file could only change the findings if one of its rules applied to a type
    // present here: on a template with one resource of each such type, each of its rules must be not applicable.
    // (Evaluating the whole templates instead costs about 10 CPU-s for the same answer.)
    const [result, ...more] = await skippedResult;
    expect(more).toEqual([]);
    expect({ status: result?.status, compliant: result?.compliant, notCompliant: result?.not_compliant }).toEqual({
      status: "SKIP",
      compliant: [],
      notCompliant: [],
    });
    expect(new Set(result?.not_applicable)).toEqual(new Set(skipped.flatMap((rule) => rule.rules)));
  });
});
