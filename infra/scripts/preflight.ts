// Runs before `cdk deploy`: stops at once, with what to do, when the deploy could not succeed anyway.
//   tsx scripts/preflight.ts [--config <file>] [--skip-container-check]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DEPLOYMENT_CONFIG_FILE, DeploymentConfigError, loadDeploymentConfig } from "@repo/service-contract";

const INFRA_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** `cdk bootstrap`'s default qualifier (cdk.json can override it). */
export const DEFAULT_BOOTSTRAP_QUALIFIER = "hnb659fds";
/** Oldest bootstrap stack version the synthesized stacks accept (CDK's default synthesizer requires 6). */
export const MIN_BOOTSTRAP_VERSION = 6;

export class PreflightError extends Error {
  override name = "PreflightError";
}

export interface PreflightOptions {
  /** Overrides the region the SDK would resolve (AWS_REGION, AWS_DEFAULT_REGION, the profile). */
  region?: string;
  /** The account deployment.config.json pins, if any: the credentials must belong to it. */
  expectedAccount?: string;
  qualifier?: string;
  /** Check that a container engine answers (cdk deploy builds each service's initial image). */
  checkContainerEngine?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface PreflightResult {
  account: string;
  region: string;
  identityArn: string;
  bootstrapVersion: number | undefined;
}

const FAST = { maxAttempts: 1, requestHandler: { connectionTimeout: 3000, requestTimeout: 10000 } } as const;

export async function runPreflight(options: PreflightOptions = {}): Promise<PreflightResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  const region = options.region ?? nonEmpty(env.CDK_DEFAULT_REGION);

  const sts = new STSClient({ ...FAST, ...(region ? { region } : {}) });
  let identity: { account: string; arn: string; region: string };
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    identity = { account: answer.Account ?? "", arn: answer.Arn ?? "", region: await sts.config.region() };
  } catch (error) {
    throw new PreflightError(credentialsProblem(error));
  } finally {
    sts.destroy();
  }
  log(`✓ credentials: ${identity.arn} (account ${identity.account}, region ${identity.region})`);

  if (options.expectedAccount && options.expectedAccount !== identity.account) {
    throw new PreflightError(
      `deployment.config.json pins account ${options.expectedAccount}, but the credentials belong to ${identity.account}. ` +
        'Use credentials for that account (AWS_PROFILE=...), or change/remove "account".',
    );
  }

  const qualifier = options.qualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
  const parameterName = `/cdk-bootstrap/${qualifier}/version`;
  const bootstrapCommand = `pnpm --filter @repo/infra exec cdk bootstrap aws://${identity.account}/${identity.region}`;
  const ssm = new SSMClient({ ...FAST, region: identity.region });
  let bootstrapVersion: number | undefined;
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    bootstrapVersion = Number(answer.Parameter?.Value);
  } catch (error) {
    const name = (error as Error).name;
    if (name === "ParameterNotFound") {
      throw new PreflightError(
        `account ${identity.account} is not bootstrapped for CDK in ${identity.region} (SSM parameter ${parameterName} ` +
          `not found). Run once:\n  ${bootstrapCommand}`,
      );
    }
    if (name !== "AccessDeniedException") {
      throw new PreflightError(`cannot read ${parameterName} in ${identity.region}: ${describe(error)}`);
    }
    // cdk deploy reads the version through the bootstrap roles, which may be allowed where these credentials are not.
    log(`! cannot read ${parameterName} with these credentials (access denied); cdk deploy will check it itself`);
  } finally {
    ssm.destroy();
  }
  if (bootstrapVersion !== undefined) {
    if (!Number.isInteger(bootstrapVersion) || bootstrapVersion < MIN_BOOTSTRAP_VERSION) {
      throw new PreflightError(
        `the CDK bootstrap stack in ${identity.region} is version ${bootstrapVersion}; version ${MIN_BOOTSTRAP_VERSION} ` +
          `or later is required. Update it:\n  ${bootstrapCommand}`,
      );
    }
    log(`✓ bootstrapped: ${parameterName} = ${bootstrapVersion}`);
  }

  if (options.checkContainerEngine ?? true) {
    const engine = nonEmpty(env.CDK_DOCKER) ?? "docker";
    const probe = spawnSync(engine, ["info"], { stdio: "ignore", timeout: 20000, env });
    if (probe.error || probe.status !== 0) {
      throw new PreflightError(
        `no container engine answers (\`${engine} info\` ${probe.error ? `failed: ${probe.error.message}` : `exited ${probe.status}`}). ` +
          "cdk deploy builds each service's initial image from its Dockerfile: start Docker, or set CDK_DOCKER to " +
          "another engine (e.g. finch, podman).",
      );
    }
    log(`✓ container engine: ${engine}`);
  }
  return { account: identity.account, region: identity.region, identityArn: identity.arn, bootstrapVersion };
}

function credentialsProblem(error: unknown): string {
  const name = (error as Error).name;
  const message = describe(error);
  if (/region is missing/i.test(message)) {
    return 'no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile, or "region" in deployment.config.json).';
  }
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message)) {
    return (
      "no AWS credentials found. Configure them first (e.g. `aws configure`, `aws sso login --profile X` then " +
      `AWS_PROFILE=X, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). (${message})`
    );
  }
  if (["InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch"].includes(name)) {
    return `the AWS credentials were rejected (${name}: ${message}). Refresh them (e.g. \`aws sso login\`) and retry.`;
  }
  return `cannot verify the AWS credentials with STS GetCallerIdentity: ${message}`;
}

function describe(error: unknown): string {
  const err = error as Error;
  return err.message ? `${err.name}: ${err.message}` : String(error);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The qualifier cdk.json sets (context "@aws-cdk/core:bootstrapQualifier"), else CDK's default. */
export function bootstrapQualifier(cdkJsonFile = path.join(INFRA_ROOT, "cdk.json")): string {
  const cdkJson = JSON.parse(readFileSync(cdkJsonFile, "utf8")) as { context?: Record<string, unknown> };
  const qualifier = cdkJson.context?.["@aws-cdk/core:bootstrapQualifier"];
  return typeof qualifier === "string" ? qualifier : DEFAULT_BOOTSTRAP_QUALIFIER;
}

const USAGE = `usage: tsx scripts/preflight.ts [--config <deployment.config.json>] [--skip-container-check]

Checks, before cdk deploy, that AWS credentials work (STS GetCallerIdentity), that the account/region is
bootstrapped for CDK (SSM /cdk-bootstrap/<qualifier>/version), and that a container engine answers.
Exits 1 with what to do when one of them fails.`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let configFile = process.env.DEPLOYMENT_CONFIG ?? path.join(INFRA_ROOT, "..", DEPLOYMENT_CONFIG_FILE);
  let checkContainerEngine = true;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === "--config" && argv[index + 1]) configFile = argv[++index] as string;
    else if (arg === "--skip-container-check") checkContainerEngine = false;
    else {
      console.error(`error: unknown argument ${arg}\n${USAGE}`);
      return 2;
    }
  }
  try {
    const config = loadDeploymentConfig(configFile);
    console.log("preflight: checking credentials, CDK bootstrap and container engine before deploying");
    await runPreflight({
      region: config.region,
      expectedAccount: config.account,
      qualifier: bootstrapQualifier(),
      checkContainerEngine,
    });
    return 0;
  } catch (error) {
    if (error instanceof PreflightError || error instanceof DeploymentConfigError) {
      console.error(`preflight failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
