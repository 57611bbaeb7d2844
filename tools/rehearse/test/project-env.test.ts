import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadServiceManifest, parseServiceManifest } from "@repo/service-manifest";
import { afterEach, describe, expect, it } from "vitest";
import { imageEnvironment, projectEnvironment, shutdownGraceMs, taskFamily } from "../src/project-env.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const sample = loadServiceManifest(path.join(REPO_ROOT, "apps/sample-service/service.json"));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("projectEnvironment", () => {
  const input = {
    manifest: sample,
    serviceDir: "apps/sample-service",
    family: "bluegreen-sample-service",
    registry: "127.0.0.1:5000",
    commit: "1efc45404d75591f88acbddd2cf4460adb7870fd",
    sourceDir: "/tmp/src",
    region: "us-east-1",
    buildId: "bluegreen-sample-service-rehearsal:1",
    nodeImage: "localhost/stand-in/node:24-bookworm-slim",
  };

  it("sets every variable buildspec.yml requires, from service.json, with the local registry as ECR", () => {
    const env = projectEnvironment(input);
    expect(env).toMatchObject({
      SERVICE_NAME: "sample-service",
      DOCKERFILE: "apps/sample-service/Dockerfile",
      REPOSITORY_URI: "127.0.0.1:5000/sample-service",
      TASK_FAMILY: "bluegreen-sample-service",
      CONTAINER_NAME: "sample-service",
      CONTAINER_PORT: "3000",
      AWS_ACCOUNT_ID: "000000000000",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      CODEBUILD_RESOLVED_SOURCE_VERSION: input.commit,
      CODEBUILD_SRC_DIR: "/tmp/src",
      NODE_IMAGE: "localhost/stand-in/node:24-bookworm-slim",
    });
  });

  it("sets every variable the header of buildspec.yml marks as required", () => {
    const header = readFileSync(path.join(REPO_ROOT, "buildspec.yml"), "utf8");
    const required = [...header.matchAll(/^#\s+([A-Z][A-Z0-9_]+)\s+required\b/gm)].map((match) => match[1]);
    expect(required).toContain("REPOSITORY_URI");
    const env = projectEnvironment(input);
    expect(required.filter((name) => !env[name as string])).toEqual([]);
  });

  // Infra's CodeBuild project (a file another package owns): every variable it sets, the rehearsal sets too.
  const infraBuildProject = path.join(REPO_ROOT, "infra/lib/constructs/service-build-project.ts");
  it.skipIf(!existsSync(infraBuildProject))("sets every variable infra's buildEnvironment sets", () => {
    const text = readFileSync(infraBuildProject, "utf8");
    const body = text.slice(text.indexOf("function buildEnvironment"));
    const names = [...body.slice(0, body.indexOf("\n}\n")).matchAll(/\b([A-Z][A-Z0-9_]{2,})\s*:/g)].map((m) => m[1]);
    expect(names).toContain("REPOSITORY_URI");
    const env = projectEnvironment(input);
    expect(names.filter((name) => !env[name as string])).toEqual([]);
  });

  it("selects template mode with every variable of taskdef.template.json", () => {
    const env = projectEnvironment(input);
    expect(env).toMatchObject({
      TASKDEF_TEMPLATE: "taskdef.template.json",
      EXECUTION_ROLE_ARN: "arn:aws:iam::000000000000:role/bluegreen-sample-service-execution",
      TASK_ROLE_ARN: "arn:aws:iam::000000000000:role/bluegreen-sample-service-task",
      CPU: "256",
      MEMORY: "512",
      STOP_TIMEOUT: "30",
      SHUTDOWN_GRACE_MS: "25000",
    });
    expect(env.LOG_GROUP).toBeTruthy();
  });

  it("names the test-traffic hook as infra does, only when the service has one", () => {
    expect(projectEnvironment(input).HOOK_AFTER_ALLOW_TEST_TRAFFIC).toBe("CodeDeployHook_bluegreen-sample-service");
    const withoutHook = parseServiceManifest(
      { ...sample, deployment: { ...sample.deployment, testTrafficHook: false } },
      "service.json",
    );
    expect(projectEnvironment({ ...input, manifest: withoutHook })).not.toHaveProperty("HOOK_AFTER_ALLOW_TEST_TRAFFIC");
    expect(projectEnvironment({ ...input, nodeImage: undefined })).not.toHaveProperty("NODE_IMAGE");
  });

  it("points any AWS SDK call at a closed loopback port", () => {
    expect(projectEnvironment(input).AWS_ENDPOINT_URL).toBe("http://127.0.0.1:1");
  });
});

describe("shutdownGraceMs", () => {
  it("leaves 5 s of ECS's stop timeout, at least 1 s", () => {
    expect(shutdownGraceMs(30)).toBe(25_000);
    expect(shutdownGraceMs(2)).toBe(1_000);
  });
});

describe("taskFamily", () => {
  const repoWith = (config: string | undefined) => {
    const root = mkdtempSync(path.join(tmpdir(), "rehearse-family-"));
    dirs.push(root);
    if (config !== undefined) {
      mkdirSync(path.join(root, "infra"));
      writeFileSync(path.join(root, "infra", "deployment.config.json"), config);
    }
    return root;
  };

  it("is <projectName>-<service> as infra registers it", () => {
    expect(taskFamily(repoWith('{"projectName": "shop"}'), "orders")).toBe("shop-orders");
  });

  it("is the service name without an infra config", () => {
    expect(taskFamily(repoWith(undefined), "orders")).toBe("orders");
  });

  it("names the file when the config is broken", () => {
    expect(() => taskFamily(repoWith("{"), "orders")).toThrow(/deployment\.config\.json: not valid JSON/);
    expect(() => taskFamily(repoWith('{"projectName": 7}'), "orders")).toThrow(
      /projectName must be a non-empty string/,
    );
  });

  it("matches this repository's infra config", () => {
    expect(taskFamily(REPO_ROOT, "sample-service")).toMatch(/-sample-service$/);
  });
});

describe("imageEnvironment", () => {
  const host = {
    PATH: "./node_modules/.bin:/work/main/node_modules/.bin:/usr/local/bin:/usr/bin",
    HOME: "/root",
    LANG: "C.UTF-8",
    HTTPS_PROXY: "http://127.0.0.1:3128",
    npm_config_registry: "http://127.0.0.1:4873/",
    npm_config_user_agent: "pnpm/10",
    npm_config_verify_deps_before_run: "false",
    pnpm_config_verify_deps_before_run: "false",
    npm_lifecycle_event: "rehearse",
    AWS_PROFILE: "prod",
    AWS_ACCESS_KEY_ID: "AKIA...",
    DOCKERFILE: "other/Dockerfile",
    ARTIFACTS_DIR: "/elsewhere",
    NODE_IMAGE: "ignored-here",
    BUILDAH_ISOLATION: "chroot",
  };

  it("keeps what a build machine has, drops the developer's AWS settings and buildspec inputs", () => {
    const env = imageEnvironment(host, { binDir: "/tmp/shims", engine: "buildah" });
    expect(Object.keys(env).sort()).toEqual([
      "BUILDAH_ISOLATION",
      "HOME",
      "HTTPS_PROXY",
      "LANG",
      "PATH",
      "REHEARSE_ENGINE",
      "REHEARSE_REAL_PATH",
      "npm_config_registry",
    ]);
  });

  it("puts the shims first on PATH and leaves out pnpm's node_modules/.bin folders", () => {
    const env = imageEnvironment(host, { binDir: "/tmp/shims", engine: "docker" });
    expect(env.PATH).toBe("/tmp/shims:/usr/local/bin:/usr/bin");
    expect(env.REHEARSE_REAL_PATH).toBe("/usr/local/bin:/usr/bin");
    expect(env.REHEARSE_ENGINE).toBe("docker");
  });
});
