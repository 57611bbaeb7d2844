/**
 * The router Lambda's entry point (bundled by infra with esbuild; handler export: `handler`).
 * Configuration comes from the environment (see ROUTER_ENV in config.ts); the SDK clients take region,
 * credentials and endpoints from the Lambda environment as usual.
 */
import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { parseRouterConfig } from "./config.ts";
import { createRouter, type RouterResult } from "./router.ts";

// A large push pages GetDifferences many times; give throttled calls a few more tries than the default 3.
const MAX_ATTEMPTS = 5;

let route: ((event: unknown) => Promise<RouterResult>) | undefined;

export async function handler(event: unknown): Promise<RouterResult> {
  // Built on the first invocation (then reused) so a configuration error fails that invocation with a message
  // naming the variable, instead of an opaque init failure.
  route ??= createRouter({
    config: parseRouterConfig(process.env),
    codeCommit: new CodeCommitClient({ maxAttempts: MAX_ATTEMPTS }),
    codePipeline: new CodePipelineClient({ maxAttempts: MAX_ATTEMPTS }),
  });
  return route(event);
}
