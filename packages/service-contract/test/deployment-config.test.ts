import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "../src/deployment-config/environment.ts";
import { DeploymentConfigError, loadDeploymentConfig, parseDeploymentConfig } from "../src/deployment-config/load.ts";
import { workspaceRoot } from "../src/node-runtime.ts";

/** The configuration infra deploys with. */
const DEFAULT_CONFIG_FILE = path.join(workspaceRoot(import.meta.dirname), "infra", "deployment.config.json");
const temporaryDir = (prefix: string) => mkdtempSync(path.join(tmpdir(), `${prefix}-`));

const FILE = "infra/deployment.config.json";

function problems(value: unknown): string {
  try {
    parseDeploymentConfig(value, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("deployment configuration", () => {
  it("deploys as-is with defaults: a new VPC with one NAT gateway over two AZs, CodeCommit source", () => {
    expect(parseDeploymentConfig({}, FILE)).toEqual({
      projectName: "bluegreen",
      network: { kind: "new", cidr: "10.0.0.0/16", maxAzs: 2, natGateways: 1 },
      testListenerPort: 9000,
      testListenerAllowedCidrs: [],
      testListenerOpenToInternet: false,
      logRetentionDays: 30,
      ecrImagesKept: 20,
      artifactLifecycleDays: 30,
      alarms: { target5xxPercent: 5, minimumRequestsPerMinute: 20, p95ResponseTimeSeconds: 2 },
      source: { type: "codecommit", repositoryName: "bluegreen", createRepository: true, branch: "main" },
      compliance: "standard",
      buildComputeType: "medium",
    });
  });

  it("validates the committed deployment.config.json", () => {
    expect(loadDeploymentConfig(DEFAULT_CONFIG_FILE).projectName).toBe("bluegreen");
  });

  it("accepts an existing VPC and a CodeConnections source", () => {
    const config = parseDeploymentConfig(
      {
        network: { vpcId: "vpc-0123456789abcdef0", egressCidrs: ["203.0.113.10/32"] },
        source: {
          type: "codeconnections",
          connectionArn: "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc-123",
          owner: "acme",
          repo: "platform",
        },
      },
      FILE,
    );
    expect(config.network).toEqual({
      kind: "existing",
      vpcId: "vpc-0123456789abcdef0",
      egressCidrs: ["203.0.113.10/32"],
    });
    expect(config.source).toMatchObject({ type: "codeconnections", branch: "main" });
  });

  it("names the file and the field of every problem", () => {
    const message = problems({
      projectName: "Bad_Name",
      network: { vpcId: "vpc-0123456789abcdef0", natGateways: 2 },
      testListenerPort: 80,
      testListenerAllowedCidrs: ["10.0.0.0/33"],
      logRetentionDays: 2,
      source: { type: "codeconnections", owner: "acme" },
      surprise: true,
    });
    for (const expected of [
      `${FILE}: projectName: must be lowercase kebab-case`,
      `${FILE}: network.natGateways: applies to a new VPC only`,
      `${FILE}: testListenerPort: must differ from the production ports`,
      `${FILE}: testListenerAllowedCidrs.0: has a prefix length above 32`,
      `${FILE}: network.egressCidrs: is required with vpcId`,
      `${FILE}: logRetentionDays: must be one of CloudWatch's retention periods`,
      `${FILE}: source.connectionArn:`,
      `${FILE}: source.repo:`,
      'Unrecognized key: "surprise"',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it("checks every CIDR before anything is written: canonical, private for the VPC, big enough, 0.0.0.0/0 only acknowledged", () => {
    expect(problems({ network: { cidr: "10.0.5.0/16" } })).toContain(
      "network.cidr: has host bits set: write 10.0.0.0/16 (a tool given 10.0.5.0/16 would silently use 10.0.0.0/16)",
    );
    expect(problems({ network: { cidr: "8.8.0.0/16" } })).toContain(
      "network.cidr: 8.8.0.0/16 is not private address space",
    );
    expect(problems({ network: { cidr: "10.0.0.0/20" } })).toContain(
      "network.cidr: 10.0.0.0/20 holds 4096 addresses; 2 AZs of a public /22 and a private /20 need 10240",
    );
    expect(problems({ network: { cidr: "10.0.0.0/8" } })).toContain("network.cidr: must be a /16 to /28 block");
    expect(problems({ testListenerAllowedCidrs: ["203.0.113.7/24"] })).toContain(
      "testListenerAllowedCidrs.0: has host bits set: write 203.0.113.0/24",
    );
    expect(problems({ testListenerAllowedCidrs: ["0.0.0.0/0"] })).toContain(
      'testListenerAllowedCidrs.0: opens the test listener (the untested green task set, plain HTTP) to the whole internet: name your office\'s range instead, or set "testListenerOpenToInternet": true',
    );
    expect(
      parseDeploymentConfig({ testListenerAllowedCidrs: ["0.0.0.0/0"], testListenerOpenToInternet: true }, FILE)
        .testListenerAllowedCidrs,
    ).toEqual(["0.0.0.0/0"]);
    expect(problems({ network: { vpcId: "vpc-0123456789abcdef0" } })).toContain(
      "network.egressCidrs: is required with vpcId",
    );
    expect(parseDeploymentConfig({ network: { cidr: "172.20.0.0/16", maxAzs: 3 } }, FILE).network).toMatchObject({
      cidr: "172.20.0.0/16",
    });
  });

  describe('compliance "control-tower"', () => {
    const strict = {
      compliance: "control-tower",
      notificationEmail: "ops@example.com",
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    } as const;

    it("keeps logs a year by default, and 30 days at the standard level", () => {
      expect(parseDeploymentConfig(strict, FILE).logRetentionDays).toBe(365);
      expect(parseDeploymentConfig({ logRetentionDays: 731, ...strict }, FILE).logRetentionDays).toBe(731);
      expect(parseDeploymentConfig({}, FILE).logRetentionDays).toBe(30);
    });

    it("names what it needs: an alarm address, a certificate, a year of logs", () => {
      const message = problems({ compliance: "control-tower", logRetentionDays: 30 });
      expect(message).toContain(`${FILE}: notificationEmail: is required with compliance control-tower`);
      expect(message).toContain(`${FILE}: certificateArn: is required with compliance control-tower`);
      expect(message).toContain(
        `${FILE}: logRetentionDays: 30 is below the 365 days compliance control-tower requires (CT.CLOUDWATCH.PR.2)`,
      );
      expect(problems({ compliance: "strict" })).toContain(`${FILE}: compliance:`);
    });
  });

  it("rejects impossible networks", () => {
    expect(problems({ network: { natGateways: 0 } })).toContain("network.natGateways: must be at least 1");
    expect(problems({ network: { natGateways: 3, maxAzs: 2 } })).toContain("network.natGateways: cannot exceed maxAzs");
    expect(problems({ network: { egressCidrs: ["1.2.3.4/32"] } })).toContain(
      "network.egressCidrs: applies to an existing VPC",
    );
  });

  it("reports unreadable and malformed files by name", () => {
    const dir = temporaryDir("config");
    const broken = path.join(dir, "deployment.config.json");
    writeFileSync(broken, "{ not json");
    expect(() => loadDeploymentConfig(broken)).toThrow(`${broken}: is not valid JSON`);
    expect(() => loadDeploymentConfig(path.join(dir, "missing.json"))).toThrow(
      /missing\.json: cannot be read \(ENOENT\)/,
    );
  });
});

describe("account and region", () => {
  it("takes the config first, then CDK_DEFAULT_*, then an offline placeholder", () => {
    const cdkEnv = { CDK_DEFAULT_ACCOUNT: "111111111111", CDK_DEFAULT_REGION: "eu-west-1" };
    expect(resolveEnvironment({}, cdkEnv)).toEqual({
      account: "111111111111",
      region: "eu-west-1",
      placeholder: false,
    });
    expect(resolveEnvironment({ account: "222222222222", region: "us-west-2" }, cdkEnv)).toEqual({
      account: "222222222222",
      region: "us-west-2",
      placeholder: false,
    });
    expect(resolveEnvironment({}, {})).toEqual({ account: "000000000000", region: "us-east-1", placeholder: true });
    expect(resolveEnvironment({}, { CDK_DEFAULT_REGION: "eu-west-1" }).placeholder).toBe(true);
  });
});
