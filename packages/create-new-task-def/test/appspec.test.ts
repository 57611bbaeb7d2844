import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseCommandLine, renderAppSpec, ValidationError } from "../src/index.ts";
import { ROOT_APPSPEC } from "./support/fixtures.ts";

const template = await readFile(ROOT_APPSPEC, "utf8");

describe("appspec.yaml", () => {
  it("fills container name and port (a number), keeps <TASK_DEFINITION>, and has no Hooks without hooks", () => {
    const spec = parse(
      renderAppSpec(template, "appspec.yaml", { containerName: "api", containerPort: 8080, hooks: {} }),
    );
    expect(spec).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: "AWS::ECS::Service",
            Properties: {
              TaskDefinition: "<TASK_DEFINITION>",
              LoadBalancerInfo: { ContainerName: "api", ContainerPort: 8080 },
            },
          },
        },
      ],
    });
  });

  it("keeps `version: 0.0` as written", () => {
    const text = renderAppSpec(template, "appspec.yaml", { containerName: "api", containerPort: 8080, hooks: {} });
    expect(text).toMatch(/^version: 0\.0$/m);
  });

  it("adds configured hooks in lifecycle order and replaces a template entry for the same event", () => {
    const withHooks = `${template}Hooks:\n  - AfterAllowTestTraffic: from-template\n  - BeforeInstall: kept\n`;
    const arn = "arn:aws:lambda:eu-west-1:123456789012:function:after-traffic:live";
    const spec = parse(
      renderAppSpec(withHooks, "appspec.yaml", {
        containerName: "api",
        containerPort: 8080,
        hooks: { AfterAllowTraffic: arn, AfterAllowTestTraffic: "smoke-test" },
      }),
    );
    expect(spec.Hooks).toEqual([
      { AfterAllowTestTraffic: "smoke-test" },
      { BeforeInstall: "kept" },
      { AfterAllowTraffic: arn },
    ]);
  });

  it("takes hooks from HOOK_* variables, a --hook flag winning for its event", () => {
    const invocation = parseCommandLine(["--hook", "AfterAllowTestTraffic=from-flag", "--template", "t.json"], {
      CONTAINER_NAME: "api",
      CONTAINER_PORT: "8080",
      IMAGE_URI: "repo/api:1",
      HOOK_AFTER_ALLOW_TEST_TRAFFIC: "from-env",
      HOOK_BEFORE_INSTALL: "before-install",
    });
    expect(invocation.action === "run" && invocation.options.hooks).toEqual({
      AfterAllowTestTraffic: "from-flag",
      BeforeInstall: "before-install",
    });
  });

  it("rejects a template whose structure CodeDeploy would not accept", () => {
    const broken = template
      .replace("Type: AWS::ECS::Service", "Type: AWS::Lambda::Function")
      .replace("version: 0.0", "version: 1");
    expect(() =>
      renderAppSpec(broken, "appspec.yaml", { containerName: "api", containerPort: 8080, hooks: {} }),
    ).toThrow(/version: must be 0\.0, got 1\n.*Type: must be AWS::ECS::Service/s);
    expect(() => renderAppSpec("a: [", "x.yaml", { containerName: "api", containerPort: 1, hooks: {} })).toThrow(
      ValidationError,
    );
  });
});
