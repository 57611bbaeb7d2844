// The task definition the stack registers IS the contract's document (@repo/service-contract), which the root
// taskdef.template.json is generated from; and appspec.yaml names the container and port the service is registered
// with.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is appspec.yaml's placeholder syntax
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  parseServiceManifest,
  type ServiceManifest,
  serviceNames,
  taskDefinitionDocument,
  taskDefinitionValues,
} from "@repo/service-contract";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { onlyResource, synthesize } from "./support/synth.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/** CloudFormation's PascalCase keys as ECS's camelCase ones; log driver options keep their literal keys. */
function camelDeep(value: unknown, literalKeys = false): unknown {
  if (Array.isArray(value)) return value.map((item) => camelDeep(item));
  if (value && typeof value === "object" && !isIntrinsic(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        literalKeys ? key : key.charAt(0).toLowerCase() + key.slice(1),
        camelDeep(child, key === "Options"),
      ]),
    );
  }
  return value;
}

/** `{ "Ref": ... }`, `{ "Fn::GetAtt": ... }`: references stay as they are. */
function isIntrinsic(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || (keys[0] as string).startsWith("Fn::"));
}

describe("the registered task definition is the contract's document", () => {
  const service: ServiceManifest = parseServiceManifest(
    {
      name: "orders",
      port: 3100,
      cpu: 512,
      memory: 1024,
      stopTimeoutSeconds: 20,
      healthCheckPath: "/healthz",
      environment: { LOG_LEVEL: "debug" },
      secrets: { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-AbCdEf" },
    },
    "apps/orders/service.json",
  );
  let registered: Record<string, unknown>;
  let cfnService: Record<string, unknown>;

  beforeAll(() => {
    const json = synthesize({ manifests: [service] }).json("bluegreen-orders");
    const task = onlyResource(json, "AWS::ECS::TaskDefinition").properties;
    const { Tags: _tags, ...shape } = task;
    registered = camelDeep(shape) as Record<string, unknown>;
    cfnService = onlyResource(json, "AWS::ECS::Service").properties;
  });

  it("field for field, environment and secrets included, with the stack's own roles, log group and image", () => {
    const [container = {}] = registered.containerDefinitions as Record<string, unknown>[];
    const options = (container.logConfiguration as { options: Record<string, unknown> }).options;
    const names = serviceNames("bluegreen", service.name);
    const expected = taskDefinitionDocument({
      ...taskDefinitionValues(service, {
        family: names.taskFamily,
        containerName: names.container,
        executionRoleArn: registered.executionRoleArn as string,
        taskRoleArn: registered.taskRoleArn as string,
        logGroup: options["awslogs-group"] as string,
        region: options["awslogs-region"] as string,
      }),
      // The stack's initial image (the pipeline later writes <IMAGE1_NAME> in its place).
      image: container.image as string,
    });
    expect(registered).toEqual(expected);
  });

  it("names in appspec.yaml the container and port the service is registered with", () => {
    const appspec = parseYaml(readFileSync(path.join(REPO_ROOT, "appspec.yaml"), "utf8")) as {
      Resources: { TargetService: { Type: string; Properties: Record<string, unknown> } }[];
    };
    const target = appspec.Resources[0]?.TargetService;
    expect(target?.Type).toBe("AWS::ECS::Service");
    expect(target?.Properties.TaskDefinition).toBe("<TASK_DEFINITION>");
    expect(target?.Properties.LoadBalancerInfo).toEqual({
      ContainerName: "${CONTAINER_NAME}",
      ContainerPort: "${CONTAINER_PORT}",
    });
    const [binding] = cfnService.LoadBalancers as { ContainerName: string; ContainerPort: number }[];
    expect(binding).toMatchObject({ ContainerName: service.name, ContainerPort: service.port });
  });
});
