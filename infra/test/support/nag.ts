// Test support: cdk-nag run on one stack, as the synth-time plugin would.
import type { Stack } from "aws-cdk-lib";
import cdkNag from "cdk-nag";

/** cdk-nag AwsSolutions findings (errors and warnings) left unacknowledged in a stack. */
export function nagFindings(stack: Stack): { rule: string; severity: string; paths: string[] }[] {
  const report = new cdkNag.AwsSolutionsChecks().validateScope(stack);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity ?? "error",
    paths: v.violatingResources.map((r) => r.constructPath ?? ""),
  }));
}
