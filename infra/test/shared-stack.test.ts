import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PRIVATE, SSE_KMS_AWS_MANAGED } from "./support/buckets.ts";
import { makeRepo, manifest, onlyResource, resourcesOfType, type Scenario, synthesize } from "./support/synth.ts";

// The shared stack as a whole: what it passes from the config to its constructs, and what it creates itself. Each
// construct's own behaviour is tested on a bare Stack in constructs/.
describe("the shared stack", () => {
  let s: Scenario;
  beforeAll(() => {
    s = synthesize({
      manifests: [manifest("orders", 3000)],
      config: { artifactLifecycleDays: 45, logRetentionDays: 60 },
    });
  });

  it("builds the VPC from the config's network (default: two AZs, one NAT gateway), flow logs kept as configured", () => {
    const json = s.json("bluegreen-shared");
    expect(onlyResource(json, "AWS::EC2::VPC").properties.CidrBlock).toBe("10.0.0.0/16");
    expect(Object.keys(resourcesOfType(json, "AWS::EC2::Subnet"))).toHaveLength(4);
    expect(Object.keys(resourcesOfType(json, "AWS::EC2::NatGateway"))).toHaveLength(1);
    const flowLog = onlyResource(json, "AWS::EC2::FlowLog").properties;
    const group = json.Resources[(flowLog.LogGroupName as { Ref: string }).Ref];
    expect(group?.Properties?.RetentionInDays).toBe(60);
  });

  it("runs an ECS cluster with enhanced Container Insights", () => {
    expect(onlyResource(s.json("bluegreen-shared"), "AWS::ECS::Cluster").properties.ClusterSettings).toEqual([
      { Name: "containerInsights", Value: "enhanced" },
    ]);
  });

  it("keeps each service's artifacts in its own encrypted, SSL-only, private, expiring bucket that logs its access", () => {
    const json = s.json("bluegreen-orders");
    const [artifactId, artifact] = Object.entries(resourcesOfType(json, "AWS::S3::Bucket"))[0] ?? [];
    expect(artifactId).toMatch(/^ArtifactsBucket/);
    expect(artifact?.Properties).toMatchObject({
      BucketEncryption: SSE_KMS_AWS_MANAGED,
      PublicAccessBlockConfiguration: PRIVATE,
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 45, Status: "Enabled" })] },
      LoggingConfiguration: { LogFilePrefix: "s3/artifacts/orders/" },
    });
    const policies = Object.values(resourcesOfType(json, "AWS::S3::BucketPolicy"));
    const artifactPolicy = policies.find((p) => JSON.stringify(p.Properties?.Bucket).includes(artifactId as string));
    expect(JSON.stringify(artifactPolicy)).toContain('"aws:SecureTransport":"false"');
    // S3 may deliver those access logs into the shared log bucket, for this account's buckets only.
    const shared = s.json("bluegreen-shared");
    const delivery = Object.values(resourcesOfType(shared, "AWS::S3::BucketPolicy"))
      .flatMap(
        (p) => (p.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [],
      )
      .find((st) => st.Sid === "ServerAccessLogDelivery");
    expect(delivery).toMatchObject({
      Action: "s3:PutObject",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "000000000000" } },
    });
    expect(JSON.stringify(delivery?.Resource)).toContain("/s3/artifacts/*");
  });

  it("lets the load balancers of every service deliver access logs under alb/ only", () => {
    const json = s.json("bluegreen-shared");
    const statements = Object.values(resourcesOfType(json, "AWS::S3::BucketPolicy")).flatMap(
      (p) => (p.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [],
    );
    const delivery = statements.find((st) => st.Sid === "LoadBalancerAccessLogDelivery");
    expect(delivery).toMatchObject({ Action: "s3:PutObject", Effect: "Allow" });
    expect(JSON.stringify(delivery?.Principal)).toContain("127311923021"); // us-east-1's ELB account
    expect(JSON.stringify(delivery?.Resource)).toContain("/alb/*/AWSLogs/000000000000/*");
  });
});

describe("bin/app.ts", () => {
  // Preloaded: process.exit() says so on stderr. The app must end by returning (bin/synth.ts says why).
  const reportExit = `data:text/javascript,${encodeURIComponent(
    'const exit = process.exit; process.exit = (code) => { process.stderr.write("process.exit() called\\n"); return exit(code); };',
  )}`;
  // As cdk.json runs it: Node's own type stripping, no tsx.
  const run = (env: Record<string, string>) => {
    const result = spawnSync(process.execPath, ["--import", reportExit, "bin/app.ts"], {
      env: { ...process.env, CDK_OUTDIR: makeRepo([]), ...env },
      encoding: "utf8",
    });
    expect(result.stderr).not.toContain("process.exit() called");
    return result;
  };

  it("exits 1 naming the file and field of a bad service manifest", () => {
    const root = makeRepo([manifest("orders", 3000, { cpu: 300 } as never)]);
    const result = run({ INFRA_REPO_ROOT: root });
    expect(result.stderr).toContain("error: ");
    expect(result.stderr).toMatch(/service\.json: cpu: must be one of Fargate's cpu sizes/);
    expect(result.status).toBe(1);
  });

  it("exits 1 naming the service folder that is not a workspace package (trigger paths need the graph)", () => {
    const root = makeRepo([manifest("orders", 3000)]);
    rmSync(path.join(root, "apps/orders/package.json"));
    const result = run({ INFRA_REPO_ROOT: root });
    expect(result.stderr).toContain('error: service folder "apps/orders" is not a workspace package');
    expect(result.status).toBe(1);
  });

  it("exits 1 naming the file and field of a bad deployment config", () => {
    const config = path.join(makeRepo([]), "deployment.config.json");
    writeFileSync(config, JSON.stringify({ testListenerPort: 443 }));
    const result = run({ DEPLOYMENT_CONFIG: config });
    expect(result.stderr).toContain(`error: ${config}: testListenerPort: must differ from the production ports`);
    expect(result.status).toBe(1);
  });
});
