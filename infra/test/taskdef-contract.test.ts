// The root taskdef.template.json (offline rendering, first render) and appspec.yaml must describe the task definition
// and service this app registers: filled from a manifest, they must agree with the stack built from that manifest.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseServiceManifest, type ServiceManifest } from "@repo/service-manifest";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { shutdownGraceMs } from "../lib/constructs/service-task-definition.ts";
import { onlyResource, synthesize } from "./support/synth.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
/** Fields ECS and CodeDeploy want as numbers; the renderer turns their placeholders into numbers. */
const NUMERIC_FIELDS = new Set(["containerPort", "stopTimeout", "ContainerPort"]);

/** Fills ${VAR} placeholders as create-new-task-def's template mode does. */
function render(value: unknown, vars: Record<string, string>, key = ""): unknown {
  if (typeof value === "string") {
    const text = value.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => vars[name] ?? `\${${name}}`);
    return NUMERIC_FIELDS.has(key) ? Number(text) : text;
  }
  if (Array.isArray(value)) return value.map((item) => render(item, vars));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, vars, k)]));
  }
  return value;
}

const camel = (object: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(object).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));

describe("taskdef.template.json and appspec.yaml agree with the stack", () => {
  const service: ServiceManifest = parseServiceManifest(
    { name: "orders", port: 3100, cpu: 512, memory: 1024, stopTimeoutSeconds: 20 },
    "apps/orders/service.json",
  );
  const vars: Record<string, string> = {
    CONTAINER_NAME: service.name,
    SERVICE_NAME: service.name,
    CONTAINER_PORT: String(service.port),
    STOP_TIMEOUT: String(service.stopTimeoutSeconds),
    CPU: String(service.cpu),
    MEMORY: String(service.memory),
    SHUTDOWN_GRACE_MS: String(shutdownGraceMs(service.stopTimeoutSeconds)),
  };
  let cfnTask: Record<string, unknown>;
  let cfnContainer: Record<string, unknown>;
  let cfnService: Record<string, unknown>;
  let template: Record<string, unknown>;
  let container: Record<string, unknown>;

  beforeAll(() => {
    const s = synthesize({ manifests: [service] });
    const json = s.json("bluegreen-orders");
    cfnTask = onlyResource(json, "AWS::ECS::TaskDefinition").properties;
    cfnContainer = (cfnTask.ContainerDefinitions as Record<string, unknown>[])[0] as Record<string, unknown>;
    cfnService = onlyResource(json, "AWS::ECS::Service").properties;
    template = render(JSON.parse(readFileSync(path.join(REPO_ROOT, "taskdef.template.json"), "utf8")), vars) as Record<
      string,
      unknown
    >;
    container = (template.containerDefinitions as Record<string, unknown>[])[0] as Record<string, unknown>;
  });

  it("has the same task-level shape: network mode, compatibilities, platform, cpu/memory and both roles", () => {
    expect(template.networkMode).toBe(cfnTask.NetworkMode);
    expect(template.requiresCompatibilities).toEqual(cfnTask.RequiresCompatibilities);
    expect(template.runtimePlatform).toEqual(camel(cfnTask.RuntimePlatform as Record<string, unknown>));
    expect(template.cpu).toBe(cfnTask.Cpu);
    expect(template.memory).toBe(cfnTask.Memory);
    for (const role of ["ExecutionRoleArn", "TaskRoleArn"]) {
      expect(cfnTask[role]).toBeDefined();
      expect(template[role.charAt(0).toLowerCase() + role.slice(1)]).toEqual(expect.any(String));
    }
  });

  it("has one container with the same name, port, user, read-only root and stop timeout", () => {
    expect(template.containerDefinitions).toHaveLength((cfnTask.ContainerDefinitions as unknown[]).length);
    expect(container.name).toBe(cfnContainer.Name);
    expect(container.essential).toBe(cfnContainer.Essential);
    expect(container.user).toBe(cfnContainer.User);
    expect(container.readonlyRootFilesystem).toBe(cfnContainer.ReadonlyRootFilesystem);
    expect(container.stopTimeout).toBe(cfnContainer.StopTimeout);
    expect(container.portMappings).toEqual((cfnContainer.PortMappings as Record<string, unknown>[]).map(camel));
  });

  it("logs the same way: awslogs with the same option keys", () => {
    const logging = container.logConfiguration as { logDriver: string; options: Record<string, string> };
    const cfnLogging = cfnContainer.LogConfiguration as { LogDriver: string; Options: Record<string, unknown> };
    expect(logging.logDriver).toBe(cfnLogging.LogDriver);
    expect(Object.keys(logging.options).sort()).toEqual(Object.keys(cfnLogging.Options).sort());
    expect(logging.options["awslogs-stream-prefix"]).toBe(cfnLogging.Options["awslogs-stream-prefix"]);
  });

  it("sets the platform's environment variables the stack sets, with the same values", () => {
    const stackEnv = Object.fromEntries(
      (cfnContainer.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    const templateEnv = Object.fromEntries(
      (container.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    for (const name of ["NODE_ENV", "PORT", "SERVICE_NAME", "SHUTDOWN_GRACE_MS"]) {
      expect({ name, value: templateEnv[name] }).toEqual({ name, value: stackEnv[name] });
    }
    expect(Object.keys(stackEnv).sort()).toEqual(Object.keys(templateEnv).sort());
  });

  it("leaves SERVICE_VERSION to the image in both (a task definition entry would override the image's ENV)", () => {
    const templateEnv = (container.environment as { name: string }[]).map((e) => e.name);
    const stackEnv = (cfnContainer.Environment as { Name: string }[]).map((e) => e.Name);
    expect(templateEnv).not.toContain("SERVICE_VERSION");
    expect(stackEnv).not.toContain("SERVICE_VERSION");
    const dockerfile = readFileSync(path.join(REPO_ROOT, "apps/sample-service/Dockerfile"), "utf8");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^ARG SERVICE_VERSION=dev$/m);
    expect(runtime).toMatch(/^ENV SERVICE_VERSION=\$\{SERVICE_VERSION\}$/m);
    // Declared after the bundle is copied: a new version leaves every earlier layer cached.
    expect(runtime.indexOf("ARG SERVICE_VERSION")).toBeGreaterThan(runtime.indexOf("COPY --from=build"));
  });

  it("names in appspec.yaml the container and port the service is registered with", () => {
    const appspec = render(parseYaml(readFileSync(path.join(REPO_ROOT, "appspec.yaml"), "utf8")), vars) as {
      Resources: { TargetService: { Type: string; Properties: Record<string, unknown> } }[];
    };
    const target = appspec.Resources[0]?.TargetService;
    expect(target?.Type).toBe("AWS::ECS::Service");
    expect(target?.Properties.TaskDefinition).toBe("<TASK_DEFINITION>");
    const [binding] = cfnService.LoadBalancers as { ContainerName: string; ContainerPort: number }[];
    expect(target?.Properties.LoadBalancerInfo).toEqual({
      ContainerName: binding?.ContainerName,
      ContainerPort: binding?.ContainerPort,
    });
  });
});
