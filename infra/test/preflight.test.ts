import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PreflightError, runPreflight } from "../scripts/preflight.ts";
import { DUMMY_AWS_ENV, type FakeEndpoint, json, type Reply, startEndpoint, xml } from "./support/aws-endpoint.ts";
import { temporaryDir } from "./support/temporary.ts";

const ACCOUNT = "123456789012";
const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${ACCOUNT}:user/deployer</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>${ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>4f2c1d9e-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
const INVALID_TOKEN = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>
  <RequestId>1</RequestId>
</ErrorResponse>`;

/** An environment with no credential source at all: no variables, no ~/.aws, no instance metadata. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = temporaryDir("home");
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    // Never ask the EC2 instance metadata service (it is not loopback).
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

describe("preflight (real STS and SSM clients against local endpoints)", () => {
  let sts: FakeEndpoint;
  let ssm: FakeEndpoint;
  let stsReply: Reply;
  let ssmReply: Reply;
  const saved = process.env;

  beforeAll(async () => {
    sts = await startEndpoint(() => stsReply);
    ssm = await startEndpoint(() => ssmReply);
  });
  afterEach(() => {
    process.env = saved;
    sts.calls.length = 0;
    ssm.calls.length = 0;
  });
  afterAll(async () => {
    await sts.close();
    await ssm.close();
  });

  function useEnv(extra: Record<string, string> = {}) {
    process.env = isolatedEnv({
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      ...extra,
    });
  }
  const quiet = { checkContainerEngine: false, log: () => {} };

  it("passes with valid credentials and a bootstrapped account, asking STS then SSM", async () => {
    useEnv(DUMMY_AWS_ENV);
    stsReply = xml(200, IDENTITY);
    ssmReply = json(200, {
      Parameter: { Name: "/cdk-bootstrap/hnb659fds/version", Type: "String", Value: "29", Version: 3 },
    });
    const lines: string[] = [];
    const result = await runPreflight({ checkContainerEngine: false, log: (l) => lines.push(l) });
    expect(result).toEqual({
      account: ACCOUNT,
      region: "eu-west-1",
      identityArn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
      bootstrapVersion: 29,
    });
    expect(new URLSearchParams(sts.calls[0]?.body).get("Action")).toBe("GetCallerIdentity");
    expect(sts.calls[0]?.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d+\/eu-west-1\/sts\//);
    expect(ssm.calls.map((c) => c.operation)).toEqual(["AmazonSSM.GetParameter"]);
    expect(JSON.parse(ssm.calls[0]?.body ?? "{}")).toEqual({ Name: "/cdk-bootstrap/hnb659fds/version" });
    expect(lines.join("\n")).toMatch(/credentials: .*deployer.*\n.*bootstrapped/);
  });

  it("stops when the account is not bootstrapped, telling the exact bootstrap command", async () => {
    useEnv(DUMMY_AWS_ENV);
    stsReply = xml(200, IDENTITY);
    ssmReply = json(400, { __type: "ParameterNotFound", message: "" });
    const failure = runPreflight(quiet);
    await expect(failure).rejects.toBeInstanceOf(PreflightError);
    await expect(failure).rejects.toThrow(
      `not bootstrapped for CDK in eu-west-1 (SSM parameter /cdk-bootstrap/hnb659fds/version not found). Run once:\n  pnpm --filter @repo/infra exec cdk bootstrap aws://${ACCOUNT}/eu-west-1`,
    );
  });

  it("reads the qualifier it is given and rejects a too old bootstrap stack", async () => {
    useEnv(DUMMY_AWS_ENV);
    stsReply = xml(200, IDENTITY);
    ssmReply = json(200, { Parameter: { Name: "/cdk-bootstrap/custom123/version", Value: "4" } });
    await expect(runPreflight({ ...quiet, qualifier: "custom123" })).rejects.toThrow(/version 4; version 6 or later/);
    expect(JSON.parse(ssm.calls[0]?.body ?? "{}").Name).toBe("/cdk-bootstrap/custom123/version");
  });

  it("stops when STS rejects the credentials, without asking SSM", async () => {
    useEnv(DUMMY_AWS_ENV);
    stsReply = xml(403, INVALID_TOKEN);
    await expect(runPreflight(quiet)).rejects.toThrow(/credentials were rejected \(InvalidClientTokenId/);
    expect(ssm.calls).toHaveLength(0);
  });

  it("stops when the credentials belong to another account than the config pins", async () => {
    useEnv(DUMMY_AWS_ENV);
    stsReply = xml(200, IDENTITY);
    await expect(runPreflight({ ...quiet, expectedAccount: "210987654321" })).rejects.toThrow(
      /pins account 210987654321, but the credentials belong to 123456789012/,
    );
  });

  it("stops at once with no credentials at all, before any request", async () => {
    useEnv({ AWS_REGION: "eu-west-1" });
    await expect(runPreflight(quiet)).rejects.toThrow(/no AWS credentials found\. Configure them first/);
    expect(sts.calls).toHaveLength(0);
  });

  it("stops when no region is configured", async () => {
    useEnv({ AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" });
    await expect(runPreflight(quiet)).rejects.toThrow(/no AWS region/);
  });

  it("checks the container engine cdk deploy builds images with (CDK_DOCKER)", async () => {
    stsReply = xml(200, IDENTITY);
    ssmReply = json(200, { Parameter: { Value: "29" } });
    useEnv({ ...DUMMY_AWS_ENV, CDK_DOCKER: "/nonexistent/docker" });
    await expect(runPreflight({ log: () => {} })).rejects.toThrow(
      /no container engine answers .*start Docker, or set CDK_DOCKER/,
    );
    const fakeEngine = path.join(temporaryDir("engine"), "engine");
    writeFileSync(fakeEngine, '#!/bin/sh\n[ "$1" = info ]\n', { mode: 0o755 });
    useEnv({ ...DUMMY_AWS_ENV, CDK_DOCKER: fakeEngine });
    await expect(runPreflight({ log: () => {} })).resolves.toMatchObject({ account: ACCOUNT });
  });
});

describe("preflight command", () => {
  const tsx = path.resolve("node_modules/.bin/tsx");
  it("exits 1 with a message when there are no credentials", () => {
    const run = spawnSync(tsx, ["scripts/preflight.ts"], {
      env: isolatedEnv({ AWS_REGION: "eu-west-1" }),
      encoding: "utf8",
    });
    expect(run.stderr).toContain("preflight failed: no AWS credentials found");
    expect(run.status).toBe(1);
  });

  it("explains itself with --help and rejects unknown flags", () => {
    const help = spawnSync(tsx, ["scripts/preflight.ts", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: tsx scripts/preflight.ts");
    const bad = spawnSync(tsx, ["scripts/preflight.ts", "--frobnicate"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown argument --frobnicate");
  });
});
