import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import cfnGuard from "@cdklabs/cdk-validator-cfnguard";
import { CfnElement, type PolicyViolationBeta1, Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** The Control Tower proactive controls the package ships, as cfn-guard rule files (rules/control-tower/cfn-guard). */
export const CONTROL_TOWER_RULES_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@cdklabs/cdk-validator-cfnguard/package.json")),
  "rules",
  "control-tower",
  "cfn-guard",
);

/** cfn-guard's output grows with the templates (about 250 KB per failing service stack); Node's default is 1 MB. */
const GUARD_OUTPUT_LIMIT = 256 * 1024 * 1024;

export interface ControlTowerRuleFile {
  file: string;
  /** The control's id, e.g. "CT.S3.PR.1". */
  control: string;
  /** The cfn-guard rule names the file defines (what cfn-guard reports). */
  rules: string[];
  /** The resource types the file mentions: it can only report on these. */
  resourceTypes: string[];
}

let ruleFiles: ControlTowerRuleFile[] | undefined;

/** Every bundled Control Tower rule file, read once. */
export function controlTowerRuleFiles(): ControlTowerRuleFile[] {
  ruleFiles ??= readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".guard"))
    .sort()
    .map((name) => {
      const file = path.join(CONTROL_TOWER_RULES_DIR, name);
      const text = readFileSync(file, "utf8");
      const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(text)?.[1];
      if (!control) throw new Error(`${file}: names no Control Tower control ([CT.<SERVICE>.PR.<n>])`);
      const primary = [...text.matchAll(/^rule (\w+) when /gm)].map((match) => match[1] as string);
      return {
        file,
        control,
        rules: [...new Set(primary)],
        resourceTypes: [...new Set(text.match(/AWS::\w+::\w+/g) ?? [])],
      };
    });
  return ruleFiles;
}

/** One resource that fails one control, named the way the construct tree names it. */
export interface ControlTowerFinding {
  control: string;
  /** The cfn-guard rule, e.g. "s3_bucket_logging_enabled_check". */
  rule: string;
  /** What the control requires, and the fix it suggests. */
  description: string;
  fix: string;
  /** The stack's construct path (its name in this app). */
  stack: string;
  /** The resource's construct path inside its stack, e.g. "Build/Project/Resource". */
  resource: string;
  logicalId: string;
  templatePath: string;
  locations: string[];
}

export interface StackTemplate {
  stackConstructPath: string;
  templatePath: string;
}

/**
 * Evaluates the Control Tower rules on the synthesized templates, nothing excepted. Only the rule files that mention a
 * resource type the templates contain are run: every other file's rules skip (a control reports on resources of its
 * types), and running all 400-odd files costs seconds per synth.
 */
export function controlTowerFindings(root: IConstruct, stacks: readonly StackTemplate[]): ControlTowerFinding[] {
  const files = ruleFilesFor(stacks);
  if (files.length === 0) return [];
  const controlOf = new Map(files.flatMap((file) => file.rules.map((rule) => [rule, file.control] as const)));
  const report = new cfnGuard.CfnGuardValidator({
    controlTowerRulesEnabled: false,
    rules: files.map((rule) => rule.file),
    maxBuffer: GUARD_OUTPUT_LIMIT,
  }).validate({ templatePaths: stacks.map((stack) => stack.templatePath), appConstruct: root });
  const resolve = constructPaths(root, stacks);
  return report.violations.flatMap((violation: PolicyViolationBeta1) =>
    violation.violatingResources.map((violating) => {
      const control = controlOf.get(violation.ruleName);
      if (!control) throw new Error(`cfn-guard reported ${violation.ruleName}, which no selected rule file defines`);
      const where = resolve(violating.templatePath, violating.resourceLogicalId);
      return {
        control,
        rule: violation.ruleName,
        description: violation.description,
        fix: violation.fix ?? "",
        ...where,
        logicalId: violating.resourceLogicalId,
        templatePath: violating.templatePath,
        locations: [...violating.locations],
      };
    }),
  );
}

/** The rule files controlTowerFindings runs on these templates: those that mention a resource type they contain. */
export function ruleFilesFor(stacks: readonly StackTemplate[]): ControlTowerRuleFile[] {
  const present = new Set(stacks.flatMap(({ templatePath }) => resourceTypes(templatePath)));
  return controlTowerRuleFiles().filter((rule) => rule.resourceTypes.some((type) => present.has(type)));
}

function resourceTypes(templatePath: string): string[] {
  const template = JSON.parse(readFileSync(templatePath, "utf8")) as { Resources?: Record<string, { Type: string }> };
  return Object.values(template.Resources ?? {}).map((resource) => resource.Type);
}

/** (template, logical id) -> (stack, construct path inside the stack), from the construct tree. */
function constructPaths(
  root: IConstruct,
  stacks: readonly StackTemplate[],
): (templatePath: string, logicalId: string) => { stack: string; resource: string } {
  const byTemplate = new Map<string, Map<string, string>>();
  const stackOfTemplate = new Map(stacks.map((s) => [path.resolve(s.templatePath), s.stackConstructPath]));
  const wanted = new Set(stackOfTemplate.values());
  for (const construct of root.node.findAll()) {
    if (!Stack.isStack(construct) || !wanted.has(construct.node.path)) continue;
    const ids = new Map<string, string>();
    for (const element of construct.node.findAll()) {
      if (CfnElement.isCfnElement(element) && Stack.of(element) === construct) {
        ids.set(construct.resolve(element.logicalId), element.node.path.slice(construct.node.path.length + 1));
      }
    }
    byTemplate.set(construct.node.path, ids);
  }
  return (templatePath, logicalId) => {
    const stack = stackOfTemplate.get(path.resolve(templatePath));
    const resource = stack === undefined ? undefined : byTemplate.get(stack)?.get(logicalId);
    if (stack === undefined || resource === undefined) {
      throw new Error(`${templatePath}: resource ${logicalId} is not in the construct tree`);
    }
    return { stack, resource };
  };
}
