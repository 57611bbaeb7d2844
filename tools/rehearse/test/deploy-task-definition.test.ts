import { parseServiceManifest, taskDefinitionDocument, taskDefinitionValues } from "@repo/service-contract";
import { describe, expect, it } from "vitest";
import { SECRET_PLACEHOLDER, TaskDefinitionError, taskRunSettings } from "../src/deploy/task-definition.ts";

const IMAGE = `127.0.0.1:5000/orders@sha256:${"a".repeat(64)}`;
const TARGET = { containerName: "orders", containerPort: 3001 };
const HOST = { arch: "x64", platform: "linux" };

/** The task definition the contract renders (what taskdef.json holds in template mode), with the image filled in. */
function taskDefinition(extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  const manifest = parseServiceManifest(
    {
      name: "orders",
      port: 3001,
      stopTimeoutSeconds: 20,
      secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db" },
    },
    "apps/orders/service.json",
  );
  const document = taskDefinitionDocument({
    ...taskDefinitionValues(manifest, {
      family: "bluegreen-orders",
      containerName: "orders",
      executionRoleArn: "arn:aws:iam::111122223333:role/x",
      taskRoleArn: "arn:aws:iam::111122223333:role/y",
      logGroup: "/ecs/orders",
      region: "eu-west-1",
    }),
    image: IMAGE,
  });
  const [definition] = document.containerDefinitions as Record<string, unknown>[];
  return { ...document, ...extra, containerDefinitions: [{ ...definition, ...container }] };
}

describe("taskRunSettings: taskdef.json as the run settings of a task", () => {
  it("honours user, read-only root, environment, port and stop timeout; secrets get a placeholder", () => {
    const settings = taskRunSettings(taskDefinition(), TARGET, HOST);
    expect(settings).toMatchObject({
      image: IMAGE,
      containerPort: 3001,
      user: "1000",
      readOnlyRootFilesystem: true,
      stopTimeoutSeconds: 20,
    });
    expect(settings.environment).toMatchObject({
      PORT: "3001",
      SERVICE_NAME: "orders",
      HEALTH_CHECK_PATH: "/health",
      DB_PASSWORD: SECRET_PLACEHOLDER,
    });
    const how = Object.fromEntries(settings.fields.map((field) => [field.field, field.how]));
    expect(how.networkMode).toMatch(/^deviates: /);
    expect(how.cpu).toMatch(/^not enforced/);
    expect(how["containerDefinitions[0].secrets"]).toContain(SECRET_PLACEHOLDER);
    expect(how["containerDefinitions[0].logConfiguration"]).toContain("instead of CloudWatch Logs");
  });

  it("accepts what a registered revision adds when it changes nothing (empty lists, container cpu 0)", () => {
    const settings = taskRunSettings(
      taskDefinition(
        { volumes: [], placementConstraints: [] },
        { cpu: 0, mountPoints: [], volumesFrom: [], systemControls: [] },
      ),
      TARGET,
      HOST,
    );
    expect(settings.fields.map((field) => field.field)).toContain("containerDefinitions[0].cpu");
  });

  it.each([
    [
      "a command override",
      {},
      { command: ["node", "other.js"] },
      "containerDefinitions[0].command: the rehearsal cannot honour it",
    ],
    [
      "a container health check",
      {},
      { healthCheck: { command: ["CMD", "true"] } },
      "containerDefinitions[0].healthCheck",
    ],
    ["a volume", { volumes: [{ name: "data" }] }, {}, "volumes: the rehearsal cannot honour it"],
    [
      "another port",
      {},
      { portMappings: [{ containerPort: 3002, protocol: "tcp" }] },
      "but the load balancer targets port 3001",
    ],
    ["a UDP port", {}, { portMappings: [{ containerPort: 3001, protocol: "udp" }] }, "protocol: udp, not tcp"],
    ["another container name", {}, { name: "sidecar" }, "but the load balancer targets container orders"],
    [
      "PORT elsewhere",
      {},
      { environment: [{ name: "PORT", value: "8080" }] },
      "PORT=8080: the service would listen there",
    ],
    [
      "ARM64",
      { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } },
      {},
      "this machine is linux/x64",
    ],
  ])("refuses %s, naming the field", (_, extra, container, message) => {
    expect(() => taskRunSettings(taskDefinition(extra, container), TARGET, HOST)).toThrow(TaskDefinitionError);
    expect(() => taskRunSettings(taskDefinition(extra, container), TARGET, HOST)).toThrow(message);
  });

  it("lists every problem at once", () => {
    const definition = taskDefinition({ ipcMode: "host" }, { privileged: true });
    expect(() => taskRunSettings(definition, TARGET, HOST)).toThrow(
      /ipcMode: the rehearsal cannot honour it.*\n.*containerDefinitions\[0\]\.privileged/,
    );
  });

  it("runs tasks of one container only", () => {
    const definition = taskDefinition();
    const twice = {
      ...definition,
      containerDefinitions: [...definition.containerDefinitions, ...definition.containerDefinitions],
    };
    expect(() => taskRunSettings(twice, TARGET, HOST)).toThrow(
      "2 containers; the rehearsal runs tasks of one container",
    );
  });
});
