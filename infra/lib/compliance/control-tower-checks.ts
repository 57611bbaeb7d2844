import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from "aws-cdk-lib";
import { type ControlTowerFinding, controlTowerFindings, controlTowerRuleFiles } from "./control-tower-rules.ts";
import { applyExceptions, type ControlTowerException, type StackKind } from "./exceptions.ts";

export interface ControlTowerChecksProps {
  exceptions: readonly ControlTowerException[];
  /** The kind of each stack, by its construct path: which exceptions apply to it. */
  stackKinds: ReadonlyMap<string, StackKind>;
}

/**
 * AWS Control Tower's proactive controls (the cfn-guard rules of @cdklabs/cdk-validator-cfnguard) as a synth-time
 * validation plugin: any resource that fails a control fails synthesis, unless the exception file names that
 * control, that resource and why. cfn-guard does not read exceptions from the templates (the Control Tower rules
 * ignore Metadata.guard.SuppressedRules), so they are applied here, on the findings.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = "control-tower";
  readonly ruleIds = [...new Set(controlTowerRuleFiles().map((rule) => rule.control))];

  private readonly props: ControlTowerChecksProps;

  constructor(props: ControlTowerChecksProps) {
    this.props = props;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings = controlTowerFindings(context.appConstruct, context.stackTemplates);
    const { failures } = applyExceptions(findings, this.props.exceptions, (stack) => this.props.stackKinds.get(stack));
    return { success: failures.length === 0, violations: violations(failures) };
  }
}

/** One violation per control, listing its failing resources. */
function violations(failures: readonly ControlTowerFinding[]): PolicyViolation[] {
  const byControl = new Map<string, ControlTowerFinding[]>();
  for (const failure of failures) byControl.set(failure.control, [...(byControl.get(failure.control) ?? []), failure]);
  return [...byControl.values()].map((group) => {
    const first = group[0] as ControlTowerFinding;
    return {
      ruleName: `${first.control} (${first.rule})`,
      description: first.description,
      fix: `${first.fix} Or, if the resource must differ, add an entry to infra/compliance/exceptions.json.`,
      violatingResources: group.map((failure) => ({
        resourceLogicalId: failure.logicalId,
        templatePath: failure.templatePath,
        locations: failure.locations,
      })),
    };
  });
}
