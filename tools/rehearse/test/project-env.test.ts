import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildStageVariables, parseServiceManifest, serviceNames } from "@repo/service-contract";
import { afterEach, describe, expect, it } from "vitest";
import { imageEnvironment, projectEnvironment, rehearsedServiceNames } from "../src/project-env.ts";
import { rehearsedService } from "../src/rehearsed-service.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const sampleService = rehearsedService(REPO_ROOT, "sample-service");
const sample = sampleService.manifest;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("projectEnvironment", () => {
  const service = sampleService;
  const input = {
    service,
    names: serviceNames("bluegreen", "sample-service"),
    registry: "127.0.0.1:5000",
    commit: "1efc45404d75591f88acbddd2cf4460adb7870fd",
    sourceDir: "/tmp/src",
    region: "us-east-1",
    buildId: "bluegreen-sample-service:1",
    nodeImage: "localhost/stand-in/node:24-bookworm-slim",
  };

  it("sets the contract's Build stage variables with the local registry as ECR, and what CodeBuild sets", () => {
    const env = projectEnvironment(input);
    expect(env).toMatchObject({
      ...buildStageVariables({
        manifest: sample,
        serviceDir: "apps/sample-service",
        names: input.names,
        repositoryUri: "127.0.0.1:5000/sample-service",
        cacheRepositoryUri: "127.0.0.1:5000/sample-service-cache",
        accountId: "000000000000",
      }),
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      CODEBUILD_RESOLVED_SOURCE_VERSION: input.commit,
      CODEBUILD_SRC_DIR: "/tmp/src",
      NODE_IMAGE: "localhost/stand-in/node:24-bookworm-slim",
    });
    expect(env.REPOSITORY_URI).toBe("127.0.0.1:5000/sample-service");
  });

  it("sets every variable the header of buildspec.yml marks as required", () => {
    const header = readFileSync(path.join(REPO_ROOT, "buildspec.yml"), "utf8");
    const required = [...header.matchAll(/^#\s+([A-Z][A-Z0-9_]+)\s+required\b/gm)].map((match) => match[1]);
    expect(required).toContain("REPOSITORY_URI");
    const env = projectEnvironment(input);
    expect(required.filter((name) => !env[name as string])).toEqual([]);
  });

  it("selects template mode with every variable of taskdef.template.json", () => {
    const env = projectEnvironment(input);
    const template = readFileSync(path.join(REPO_ROOT, "taskdef.template.json"), "utf8");
    const variables = [...new Set([...template.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((match) => match[1]))];
    expect(variables).toContain("CONTAINER_ENVIRONMENT");
    expect(env.TASKDEF_TEMPLATE).toBe("taskdef.template.json");
    expect(variables.filter((name) => !env[name as string])).toEqual([]);
    expect(JSON.parse(env.CONTAINER_ENVIRONMENT as string)).toContainEqual({
      name: "PORT",
      value: String(sample.port),
    });
  });

  it("names the test-traffic hook as infra does, only when the service has one", () => {
    expect(projectEnvironment(input).HOOK_AFTER_ALLOW_TEST_TRAFFIC).toBe(input.names.testTrafficHookFunction);
    const withoutHook = parseServiceManifest(
      { ...sample, deployment: { ...sample.deployment, testTrafficHook: false } },
      "service.json",
    );
    expect(projectEnvironment({ ...input, service: { ...service, manifest: withoutHook } })).not.toHaveProperty(
      "HOOK_AFTER_ALLOW_TEST_TRAFFIC",
    );
    expect(projectEnvironment({ ...input, nodeImage: undefined })).not.toHaveProperty("NODE_IMAGE");
  });

  it("points any AWS SDK call at a closed loopback port", () => {
    expect(projectEnvironment(input).AWS_ENDPOINT_URL).toBe("http://127.0.0.1:1");
  });
});

describe("rehearsedServiceNames", () => {
  const repoWith = (config: string) => {
    const root = mkdtempSync(path.join(tmpdir(), "rehearse-names-"));
    dirs.push(root);
    mkdirSync(path.join(root, "infra"));
    writeFileSync(path.join(root, "infra", "deployment.config.json"), config);
    return root;
  };

  it("are the names infra derives, with the repository's project name", () => {
    expect(rehearsedServiceNames(repoWith('{"projectName": "shop"}'), "orders")).toEqual(
      serviceNames("shop", "orders"),
    );
  });

  it("names the file and the field when the config is broken", () => {
    expect(() => rehearsedServiceNames(repoWith("{"), "orders")).toThrow(/deployment\.config\.json: is not valid JSON/);
    expect(() => rehearsedServiceNames(repoWith('{"projectName": 7}'), "orders")).toThrow(/projectName: /);
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
