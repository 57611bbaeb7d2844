import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUMMY_ECR_PASSWORD, parseAwsArgs } from "../src/shims/aws.ts";
import { buildxMetadata, engineBuildPlan, localImageName, parseDockerArgs } from "../src/shims/docker.ts";
import { installShims } from "../src/shims/install.ts";
import { planNpm, pnpmCheck } from "../src/shims/npm.ts";
import { ShimRefusal } from "../src/shims/refusal.ts";

// A build command shaped like the buildspec's, variables expanded as bash would (the real one runs through the
// shims in root-buildspec.test.ts).
const BUILDSPEC_BUILDX = [
  "buildx",
  "build",
  "--file",
  "apps/sample-service/Dockerfile",
  "--build-arg",
  "SERVICE=sample-service",
  "--build-arg",
  "SERVICE_VERSION=1efc454",
  "--build-arg",
  "NODE_IMAGE=localhost/stand-in/node:24-bookworm-slim",
  "--cache-from",
  "type=registry,ref=127.0.0.1:5000/sample-service:buildcache",
  "--cache-to",
  "type=registry,ref=127.0.0.1:5000/sample-service:buildcache,mode=max,image-manifest=true,oci-mediatypes=true",
  "--provenance=false",
  "--tag",
  "127.0.0.1:5000/sample-service:1efc454",
  "--metadata-file",
  ".artifacts/build-metadata.json",
  "--push",
  ".",
];

describe("docker shim: buildx build translation", () => {
  it("turns the buildspec's buildx build into an engine build plus a push", () => {
    const invocation = parseDockerArgs(BUILDSPEC_BUILDX, {});
    expect(invocation.kind).toBe("buildx-build");
    if (invocation.kind !== "buildx-build") return;
    expect(invocation.build.ignoredFlags).toEqual(["--cache-from", "--cache-to", "--provenance"]);
    expect(engineBuildPlan(invocation.build, "/src")).toEqual({
      request: {
        contextDir: "/src",
        dockerfile: "/src/apps/sample-service/Dockerfile",
        tag: "localhost/rehearse/sample-service:1efc454",
        buildArgs: {
          SERVICE: "sample-service",
          SERVICE_VERSION: "1efc454",
          NODE_IMAGE: "localhost/stand-in/node:24-bookworm-slim",
        },
      },
      pushTo: ["127.0.0.1:5000/sample-service:1efc454"],
      metadataFile: "/src/.artifacts/build-metadata.json",
    });
  });

  it("reads the short and = forms, repeated tags, --build-arg NAME from the environment", () => {
    const invocation = parseDockerArgs(
      [
        "buildx",
        "build",
        "-f=docker/Dockerfile",
        "-t",
        "a:1",
        "--tag=127.0.0.1:5000/a:2",
        "--build-arg",
        "FROM_ENV",
        "--build-arg",
        "UNSET",
        "ctx",
      ],
      { FROM_ENV: "value" },
    );
    if (invocation.kind !== "buildx-build") throw new Error("not a build");
    const plan = engineBuildPlan(invocation.build, "/work");
    expect(plan.request.buildArgs).toEqual({ FROM_ENV: "value" });
    expect(plan.request.contextDir).toBe("/work/ctx");
    // Like buildx, --file is relative to the working directory, not to the context.
    expect(plan.request.dockerfile).toBe("/work/docker/Dockerfile");
    expect(plan.pushTo).toEqual([]);
    expect(invocation.build.tags).toEqual(["a:1", "127.0.0.1:5000/a:2"]);
  });

  it("defaults the Dockerfile to <context>/Dockerfile", () => {
    const invocation = parseDockerArgs(["buildx", "build", "-t", "x:1", "app"], {});
    if (invocation.kind !== "buildx-build") throw new Error("not a build");
    expect(engineBuildPlan(invocation.build, "/r").request.dockerfile).toBe("/r/app/Dockerfile");
  });

  const refusedBuilds: [string, string[], RegExp][] = [
    ["an unknown flag", ["--platform", "linux/arm64"], /option --platform/],
    ["--load", ["--load"], /option --load/],
    ["a build secret", ["--secret", "id=npmrc,src=x"], /option --secret/],
    ["a second context", ["extra"], /expected one build context, got 2/],
  ];
  it.each(refusedBuilds)("refuses %s, naming it", (_name, extra, message) => {
    const args = ["buildx", "build", "--tag", "127.0.0.1:5000/a:1", ...extra, "."];
    expect(() => parseDockerArgs(args, {})).toThrow(ShimRefusal);
    expect(() => parseDockerArgs(args, {})).toThrow(message);
  });

  it("refuses a build without a tag, a git context and a digest as a tag", () => {
    expect(() => parseDockerArgs(["buildx", "build", "."], {})).toThrow(/no --tag/);
    expect(() => parseDockerArgs(["buildx", "build", "-t", "a:1", "https://example.invalid/repo.git"], {})).toThrow(
      /not a local folder/,
    );
    expect(() => parseDockerArgs(["buildx", "build", "-t", "a@sha256:00", "."], {})).toThrow(/cannot contain a digest/);
  });
});

describe("docker shim: other commands", () => {
  it("accepts the buildspec's login and builder creation", () => {
    expect(
      parseDockerArgs(
        ["login", "--username", "AWS", "--password-stdin", "000000000000.dkr.ecr.us-east-1.amazonaws.com"],
        {},
      ),
    ).toEqual({
      kind: "login",
      server: "000000000000.dkr.ecr.us-east-1.amazonaws.com",
      username: "AWS",
      passwordStdin: true,
    });
    expect(
      parseDockerArgs(["buildx", "create", "--name", "ci", "--driver", "docker-container", "--use", "--bootstrap"], {}),
    ).toEqual({ kind: "buildx-create", name: "ci" });
  });

  it.each([
    [["run", "--rm", "alpine"]],
    [["push", "127.0.0.1:5000/a:1"]],
    [["buildx", "use", "ci"]],
    [["--config", "/tmp/x", "login"]],
    [[]],
  ])("refuses `docker %j` with the message that names the command and where to extend", (args) => {
    expect(() => parseDockerArgs(args, {})).toThrow(
      `rehearse: buildspec.yml runs \`${["docker", ...args].join(" ")}\`, which the rehearsal does not emulate; extend tools/rehearse/src/shims`,
    );
  });

  it("refuses a password on the command line", () => {
    expect(() => parseDockerArgs(["login", "-p", "secret", "host"], {})).toThrow(/use --password-stdin/);
  });
});

describe("localImageName and buildxMetadata", () => {
  it.each([
    ["127.0.0.1:5000/sample-service:abc", "localhost/rehearse/sample-service:abc"],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1", "localhost/rehearse/team/app:1"],
    ["app", "localhost/rehearse/app:latest"],
    ["localhost:5000/app", "localhost/rehearse/app:latest"],
  ])("%s is stored locally as %s", (tag, local) => {
    expect(localImageName(tag)).toBe(local);
  });

  it("writes buildx's keys for a pushed image, and no digest for an image that was not pushed", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(JSON.parse(buildxMetadata(["r/a:1", "r/a:2"], digest))).toEqual({
      "containerimage.digest": digest,
      "image.name": "r/a:1,r/a:2",
    });
    expect(JSON.parse(buildxMetadata(["r/a:1"], undefined))).toEqual({ "image.name": "r/a:1" });
  });
});

describe("aws shim", () => {
  it("answers ecr get-login-password, with --region before or after", () => {
    expect(parseAwsArgs(["ecr", "get-login-password", "--region", "us-east-1"])).toEqual({
      kind: "ecr-get-login-password",
      region: "us-east-1",
    });
    expect(parseAwsArgs(["--region=eu-west-1", "ecr", "get-login-password"]).region).toBe("eu-west-1");
  });

  it.each([
    [["sts", "get-caller-identity"]],
    [["ecr", "describe-images"]],
    [["ecr", "get-login-password", "--profile", "x"]],
  ])("refuses `aws %j`", (args) => {
    expect(() => parseAwsArgs(args)).toThrow(
      /^rehearse: buildspec\.yml runs `aws .*`, which the rehearsal does not emulate/,
    );
  });
});

describe("npm shim", () => {
  it("checks a global pnpm install instead of running it (packageManager's hash suffix dropped)", () => {
    expect(planNpm(["install", "--global", "--no-fund", "--no-audit", "pnpm@10.34.9"])).toEqual({
      kind: "check-pnpm",
      version: "10.34.9",
    });
    expect(planNpm(["i", "-g", "pnpm@10.34.9+sha512.abcdef"])).toEqual({ kind: "check-pnpm", version: "10.34.9" });
    expect(planNpm(["--location=global", "add", "pnpm@9.0.0-rc.1"])).toEqual({
      kind: "check-pnpm",
      version: "9.0.0-rc.1",
    });
  });

  it("sends everything that is not global to the real npm", () => {
    expect(planNpm(["ci"])).toEqual({ kind: "real-npm" });
    expect(planNpm(["install", "left-pad"])).toEqual({ kind: "real-npm" });
    expect(planNpm(["--version"])).toEqual({ kind: "real-npm" });
  });

  it("refuses global changes other than pnpm, and a pnpm version it cannot compare", () => {
    expect(() => planNpm(["install", "-g", "typescript"])).toThrow(/global packages other than pnpm/);
    expect(() => planNpm(["install", "-g", "pnpm@10.34.9", "turbo@2"])).toThrow(/global packages other than pnpm/);
    expect(() => planNpm(["uninstall", "-g", "pnpm"])).toThrow(/change this machine's global packages/);
    expect(() => planNpm(["install", "-g", "pnpm@latest"])).toThrow(/exact version/);
  });

  it("skips with a note when the pnpm on PATH is the wanted one, otherwise asks to install it", () => {
    expect(pnpmCheck("10.34.9", "10.34.9")).toEqual({ ok: true, message: expect.stringContaining("skipping") });
    expect(pnpmCheck("10.34.9", "9.15.0")).toEqual({
      ok: false,
      message: expect.stringContaining("the pnpm on PATH is 9.15.0: install pnpm@10.34.9 first"),
    });
    expect(pnpmCheck("10.34.9", undefined).message).toContain("no pnpm is on PATH");
  });
});

// The installed wrappers, run for real: node + tsx on the TS entry points, as the build's commands run them.
describe("the installed shims", () => {
  let dir: string;
  let bin: string;
  const realPath = process.env.PATH ?? "/usr/bin:/bin";
  const pnpmVersion = spawnSync("pnpm", ["--version"], { encoding: "utf8" }).stdout?.trim();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rehearse-shims-"));
    bin = path.join(dir, "bin");
    await installShims(bin);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const shim = (name: string, args: string[], input = "") =>
    spawnSync(path.join(bin, name), args, {
      input,
      encoding: "utf8",
      env: { PATH: `${bin}:${realPath}`, REHEARSE_REAL_PATH: realPath, REHEARSE_ENGINE: "buildah", HOME: dir },
      timeout: 60_000,
    });

  it("aws: prints the placeholder ECR password, refuses anything else with exit 1", () => {
    const login = shim("aws", ["ecr", "get-login-password", "--region", "us-east-1"]);
    expect(login.status).toBe(0);
    expect(login.stdout).toBe(`${DUMMY_ECR_PASSWORD}\n`);
    const other = shim("aws", ["s3", "ls"]);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("rehearse: buildspec.yml runs `aws s3 ls`, which the rehearsal does not emulate");
  }, 60_000);

  it("docker: login reads the password from stdin; an unknown command exits 1 with the message", () => {
    const login = shim("docker", ["login", "--username", "AWS", "--password-stdin", "registry.example"], "pw\n");
    expect(login.status).toBe(0);
    expect(login.stdout).toBe("Login Succeeded\n");
    const empty = shim("docker", ["login", "--username", "AWS", "--password-stdin", "registry.example"], "");
    expect(empty.status).toBe(1);
    const run = shim("docker", ["run", "alpine"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "rehearse: buildspec.yml runs `docker run alpine`, which the rehearsal does not emulate",
    );
  }, 60_000);

  it.skipIf(!pnpmVersion)(
    "npm: a global install of the pnpm on PATH is skipped; other npm commands reach the real npm",
    () => {
      const install = shim("npm", ["install", "--global", `pnpm@${pnpmVersion}`]);
      expect(install.status).toBe(0);
      expect(install.stderr).toContain(`pnpm ${pnpmVersion} is already on PATH; skipping`);
      const real = shim("npm", ["--version"]);
      expect(real.status).toBe(0);
      expect(real.stdout.trim()).toBe(spawnSync("npm", ["--version"], { encoding: "utf8" }).stdout.trim());
    },
    60_000,
  );

  it("refuses to run outside a rehearsal (no REHEARSE_* variables)", () => {
    const outside = spawnSync(path.join(bin, "aws"), ["ecr", "get-login-password"], {
      encoding: "utf8",
      env: { PATH: realPath },
    });
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain("runs only inside `pnpm rehearse`");
  }, 60_000);

  it("wraps node with tsx's loader and the shim's TS entry point", () => {
    const script = readFileSync(path.join(bin, "docker"), "utf8");
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain(`exec '${process.execPath}' --import 'file://`);
    expect(script).toContain('/src/shims/docker-main.ts\' "$@"');
  });
});
