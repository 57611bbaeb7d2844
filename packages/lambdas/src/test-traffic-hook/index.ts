// Lambda entry point (bundled by esbuild at synth time; see lib/lambda-bundle.ts).
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { createHandler, settingsFromEnvironment } from "./handler.ts";

export const handler = createHandler(new CodeDeployClient({}), () => settingsFromEnvironment(process.env));
