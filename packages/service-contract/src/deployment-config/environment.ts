import type { DeploymentConfig } from "./schema.ts";

/** Used when neither the config nor the CDK CLI names an account/region: synth works offline, deploy never sees it. */
export const PLACEHOLDER_ACCOUNT = "000000000000";
export const PLACEHOLDER_REGION = "us-east-1";

export interface DeploymentEnvironment {
  account: string;
  region: string;
  /** True when the account or region is the offline placeholder (nothing may be looked up then). */
  placeholder: boolean;
}

/**
 * Account and region: deployment.config.json wins, then CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (the CDK CLI sets
 * them from the credentials in use), then an offline placeholder so `cdk synth` needs no credentials.
 */
export function resolveEnvironment(
  config: Pick<DeploymentConfig, "account" | "region">,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentEnvironment {
  const account = config.account ?? nonEmpty(env.CDK_DEFAULT_ACCOUNT);
  const region = config.region ?? nonEmpty(env.CDK_DEFAULT_REGION);
  return {
    account: account ?? PLACEHOLDER_ACCOUNT,
    region: region ?? PLACEHOLDER_REGION,
    placeholder: account === undefined || region === undefined,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
