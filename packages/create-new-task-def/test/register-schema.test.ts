import { ContainerDefinition$ } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { checkRegisterInput, readOnlyTaskDefinitionMembers, registerInputMembers } from "../src/index.ts";
import { READ_ONLY_MEMBERS } from "./support/fixtures.ts";

describe("the allowed-key tree comes from the ECS model shipped with the SDK", () => {
  it("knows RegisterTaskDefinition's top-level members", () => {
    const members = registerInputMembers();
    for (const name of [
      "family",
      "containerDefinitions",
      "taskRoleArn",
      "executionRoleArn",
      "networkMode",
      "cpu",
      "memory",
      "tags",
    ]) {
      expect(members).toContain(name);
    }
    expect(members).not.toContain("revision");
  });

  it("derives the read-only members (those DescribeTaskDefinition returns but RegisterTaskDefinition lacks)", () => {
    const readOnly = readOnlyTaskDefinitionMembers();
    for (const name of READ_ONLY_MEMBERS) expect(readOnly).toContain(name);
    for (const name of registerInputMembers()) expect(readOnly).not.toContain(name);
  });

  it("accepts every member the SDK model lists for a container definition", () => {
    const memberNames = ContainerDefinition$[4] as string[];
    expect(memberNames.length).toBeGreaterThan(30);
    const container = Object.fromEntries(memberNames.map((name) => [name, undefined]));
    const issues = checkRegisterInput({ family: "f", containerDefinitions: [container] });
    expect(issues.every((issue) => issue.problem === "is null; omit the field instead")).toBe(true);
    expect(issues).toHaveLength(memberNames.length);
  });

  it("walks nested lists, structures and maps", () => {
    const issues = checkRegisterInput({
      family: "f",
      containerDefinitions: [
        {
          name: "a",
          portMappings: [{ containerPort: 80 }, { containerPort: 81, bogus: true }],
          healthCheck: { command: ["CMD", 1] },
          dockerLabels: { team: 7 },
          linuxParameters: { capabilities: { add: ["NET_ADMIN"], remove: "ALL" } },
        },
      ],
      volumes: [{ name: "v", efsVolumeConfiguration: { fileSystemId: "fs-1", transitEncryptionn: "ENABLED" } }],
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "containerDefinitions[0].portMappings[1].bogus",
      "containerDefinitions[0].healthCheck.command[1]",
      "containerDefinitions[0].dockerLabels.team",
      "containerDefinitions[0].linuxParameters.capabilities.remove",
      "volumes[0].efsVolumeConfiguration.transitEncryptionn",
    ]);
  });

  it("accepts a complete, valid input", () => {
    expect(
      checkRegisterInput({
        family: "f",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        ephemeralStorage: { sizeInGiB: 30 },
        containerDefinitions: [
          {
            name: "a",
            image: "<IMAGE1_NAME>",
            essential: true,
            portMappings: [{ containerPort: 80, protocol: "tcp" }],
          },
        ],
        tags: [{ key: "k", value: "v" }],
      }),
    ).toEqual([]);
  });
});
