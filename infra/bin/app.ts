// The CDK app: `cdk synth`, `cdk deploy` run this (cdk.json "app") under Node's own type stripping (no tsx).
// V8's compile cache keeps what Node compiled (aws-cdk-lib, cdk-nag, the stripped TypeScript) for the next synth.
// Static imports load before a module's body runs: enable it here, then import the app.
import module from "node:module";
import { fileURLToPath } from "node:url";
import { startTimings, timedAsync } from "../lib/synth-timings.ts";

startTimings();
module.enableCompileCache(fileURLToPath(new URL("../.cache/node-compile", import.meta.url)));
const { synth } = await timedAsync("other modules load", () => import("./synth.ts"));
synth();
