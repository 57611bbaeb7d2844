// Issue-level contract: for the same service, the CodeBuild project infra synthesizes and the local rehearsal set the
// Build stage's variables from ONE function (@repo/service-contract's buildStageVariables): the same variables, with
// the same values wherever the value does not name a place (ECR vs the local registry, the account).

import { projectEnvironment } from "@repo/rehearse";
import * as contract from "@repo/service-contract";
import { BUILD_VARIABLES, buildStageVariables, serviceNames } from "@repo/service-contract";
import { describe, expect, it, vi } from "vitest";
import { manifest, synthesize } from "./support/synth.ts";

describe("the Build stage's variables come from the contract, for infra and for the rehearsal", () => {
  it("infra's CodeBuild environment and the rehearsal's agree on every variable the contract defines", () => {
    const scenario = synthesize({ manifests: [manifest("orders", 3100)] });
    const stack = scenario.infra.services[0];
    const project = Object.values(scenario.json("bluegreen-orders").Resources).find(
      (resource) => resource.Type === "AWS::CodeBuild::Project",
    );
    const environment = project?.Properties?.Environment as {
      EnvironmentVariables?: { Name: string; Value: unknown }[];
    };
    const infraEnv = Object.fromEntries(
      (environment.EnvironmentVariables ?? []).map((variable) => [variable.Name, variable.Value]),
    );
    const service = stack?.service;
    if (!service) throw new Error("no service stack");
    const names = serviceNames("bluegreen", "orders");
    const rehearsalEnv = projectEnvironment({
      service,
      names,
      registry: "127.0.0.1:5000",
      commit: "0".repeat(40),
      sourceDir: "/tmp/src",
      region: "eu-west-1",
      buildId: "orders:1",
      nodeImage: undefined,
    });

    const defined = Object.values(BUILD_VARIABLES) as string[];
    expect(Object.keys(infraEnv).sort()).toEqual(defined.filter((name) => name in rehearsalEnv).sort());
    const placed = new Set<string>([
      BUILD_VARIABLES.repositoryUri,
      BUILD_VARIABLES.cacheRepositoryUri,
      BUILD_VARIABLES.accountId,
    ]);
    for (const name of Object.keys(infraEnv).filter((variable) => !placed.has(variable))) {
      expect({ name, value: infraEnv[name] }).toEqual({ name, value: rehearsalEnv[name] });
    }
    // And both are that function's output for their own places.
    expect(rehearsalEnv).toMatchObject(
      buildStageVariables({
        manifest: service.manifest,
        serviceDir: service.dir,
        names,
        repositoryUri: "127.0.0.1:5000/orders",
        cacheRepositoryUri: "127.0.0.1:5000/orders-cache",
        accountId: "000000000000",
      }),
    );
  });

  it("infra calls the contract's function (spied) once per service", () => {
    const spy = vi.spyOn(contract, "buildStageVariables");
    synthesize({ manifests: [manifest("orders", 3100), manifest("billing", 3101)] });
    expect(spy.mock.calls.map(([input]) => input.manifest.name).sort()).toEqual(["billing", "orders"]);
    spy.mockRestore();
  });
});
