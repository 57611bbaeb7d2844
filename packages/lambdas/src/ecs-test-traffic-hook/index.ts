// Lambda entry point of the ECS POST_TEST_TRAFFIC_SHIFT hook (bundled by infra with esbuild).
import { ecsHookSettingsFromEnvironment } from "./config.ts";
import { createEcsHandler } from "./handler.ts";

export const handler = createEcsHandler(() => ecsHookSettingsFromEnvironment(process.env));
