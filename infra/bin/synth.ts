// What bin/app.ts runs once the compile cache is on.
// INFRA_REPO_ROOT points service discovery at another repository root; DEPLOYMENT_CONFIG at another config file.
import path from "node:path";
import { RouterConfigError } from "@repo/lambdas";
import { TriggerLimitError, WorkspaceError } from "@repo/pipeline-triggers";
import { DeploymentConfigError, ManifestError } from "@repo/service-contract";
import { ComplianceExceptionsError } from "../lib/compliance/exceptions.ts";
import { buildInfra, createApp, DEFAULT_CONFIG_FILE, DEFAULT_REPO_ROOT } from "../lib/infra-app.ts";
import { timed, writeTimings } from "../lib/synth-timings.ts";

/**
 * Exits by returning (exit code 1 on a known error): `process.exit()` can deadlock Node 24 at exit while V8 compiles
 * on a background thread (nodejs/node#64274), and a synth that never ends hangs `cdk synth` with it.
 */
export function synth(): void {
  // cdk.json's context also when run without the CLI (e.g. `node bin/app.ts`); the CLI's context still wins.
  const app = createApp();
  try {
    const infra = timed("construct building", () =>
      buildInfra(app, {
        repoRoot: process.env.INFRA_REPO_ROOT ? path.resolve(process.env.INFRA_REPO_ROOT) : DEFAULT_REPO_ROOT,
        configFile: process.env.DEPLOYMENT_CONFIG ? path.resolve(process.env.DEPLOYMENT_CONFIG) : DEFAULT_CONFIG_FILE,
      }),
    );
    if (infra.services.length === 0) {
      console.warn("No service found (apps/*/service.json): only the shared stack will be synthesized.");
    }
    timed("writing the assembly", () => app.synth());
    writeTimings();
  } catch (error) {
    if (
      error instanceof ManifestError ||
      error instanceof DeploymentConfigError ||
      error instanceof WorkspaceError ||
      error instanceof TriggerLimitError ||
      error instanceof RouterConfigError ||
      error instanceof ComplianceExceptionsError
    ) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
