// Issue-level contract: for the same service, the CodeBuild project infra synthesizes and the local rehearsal set the
// Build stage's variables from ONE function (@repo/service-contract's buildStageVariables): the same variables, with
// the same values wherever the value does not name a place (ECR vs the local registry, the account). Infra's side is
// the sample's stack as the global setup synthesized it (support/shared-assemblies.ts); that infra calls the function
// for every service is infra/test/build-stage-contract.test.ts.
import { BUILD_VARIABLES, buildStageVariables } from "@repo/service-contract";
import { describe, expect, inject, it } from "vitest";
import { Stacks } from "../src/deploy/templates.ts";
import { projectEnvironment, rehearsedServiceNames } from "../src/project-env.ts";
import { rehearsedService } from "../src/rehearsed-service.ts";
import { REPO_ROOT } from "./support/repo-copy.ts";

const SERVICE = "sample-service";

describe("the Build stage's variables come from the contract, for infra and for the rehearsal", () => {
  it("infra's CodeBuild environment and the rehearsal's agree on every variable the contract defines", async () => {
    const names = rehearsedServiceNames(REPO_ROOT, SERVICE);
    const assemblyDir = inject("shared").assemblies[REPO_ROOT];
    if (!assemblyDir) throw new Error("the global setup synthesized no assembly for the repository");
    const stacks = await Stacks.read(assemblyDir, [names.stack]);
    const environment = stacks.only(names.stack, "AWS::CodeBuild::Project").properties.Environment as {
      EnvironmentVariables?: { Name: string; Value: unknown }[];
    };
    const infraEnv = Object.fromEntries(
      (environment.EnvironmentVariables ?? []).map((variable) => [variable.Name, variable.Value]),
    );
    // Found as the rehearsal finds it.
    const service = rehearsedService(REPO_ROOT, SERVICE);
    const rehearsalEnv = projectEnvironment({
      service,
      names,
      registry: "127.0.0.1:5000",
      commit: "0".repeat(40),
      sourceDir: "/tmp/src",
      region: "eu-west-1",
      buildId: `${names.stack}:1`,
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
        repositoryUri: `127.0.0.1:5000/${SERVICE}`,
        cacheRepositoryUri: `127.0.0.1:5000/${SERVICE}-cache`,
        accountId: "000000000000",
      }),
    );
  });
});
