// Lambda entry point of the CodeDeploy AfterAllowTestTraffic hook (bundled by infra with esbuild).
import { smokeTestSettingsFromEnvironment } from "../smoke-test/environment.ts";
import { createHandler, reportingClient } from "./handler.ts";

export const handler = createHandler(reportingClient(), () => smokeTestSettingsFromEnvironment(process.env));
