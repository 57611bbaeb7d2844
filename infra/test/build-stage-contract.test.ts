// Issue-level contract: the CodeBuild project of every service gets the Build stage's variables from ONE function
// (@repo/service-contract's buildStageVariables). That the rehearsal's environment comes from it too, with the same
// values, is tools/rehearse/test/build-stage-contract.test.ts, on the stacks infra really synthesizes.

import * as contract from "@repo/service-contract";
import { describe, expect, it, vi } from "vitest";
import { manifest, synthesize } from "./support/synth.ts";

describe("the Build stage's variables come from the contract", () => {
  it("infra calls the contract's function (spied) once per service", () => {
    const spy = vi.spyOn(contract, "buildStageVariables");
    synthesize({ manifests: [manifest("orders", 3100), manifest("billing", 3101)] });
    expect(spy.mock.calls.map(([input]) => input.manifest.name).sort()).toEqual(["billing", "orders"]);
    spy.mockRestore();
  });
});
