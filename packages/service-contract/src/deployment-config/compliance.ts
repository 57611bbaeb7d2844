// The compliance levels of deployment.config.json's "compliance": what each one asks of the rest of the
// configuration. infra applies the level to the templates (infra/lib/compliance/); docs/security.md explains both.

/**
 * "standard": the cheap default (cdk-nag AwsSolutions clean). "control-tower": also passes AWS Control Tower's
 * proactive controls (the cfn-guard rules of @cdklabs/cdk-validator-cfnguard, run at synth) except the exceptions
 * listed in infra/compliance/exceptions.json.
 */
export const COMPLIANCE_LEVELS = ["standard", "control-tower"] as const;
export type ComplianceLevel = (typeof COMPLIANCE_LEVELS)[number];

/** Log retention when logRetentionDays is not set, by level. */
export const DEFAULT_LOG_RETENTION_DAYS: Record<ComplianceLevel, number> = { standard: 30, "control-tower": 365 };

/** CT.CLOUDWATCH.PR.2: a log group is kept for at least a year. */
export const CONTROL_TOWER_MIN_LOG_RETENTION_DAYS = 365;

/** What the control-tower level requires of the configuration, each with the control that asks for it. */
export const CONTROL_TOWER_REQUIRED_FIELDS = {
  notificationEmail:
    "is required with compliance control-tower: every alarm must have an action (CT.CLOUDWATCH.PR.1), and the " +
    "alarms notify this address",
  certificateArn:
    "is required with compliance control-tower: an HTTP listener must redirect to HTTPS " +
    "(CT.ELASTICLOADBALANCING.PR.1), so production is served over HTTPS",
} as const;
