// The synth part's baseline: a bare CDK app (plain aws-cdk-lib, no cdk-nag, no asset, no cdk.json context) with
// the same kind of stacks as infra's, a shared one and one per service; BARE_CDK_SERVICES says how many.
//   cdk synth --app "node src/baseline/bare-cdk-app.ts"
// Its phases are timed as infra's are (INFRA_SYNTH_TIMINGS).
import { startTimings, timed, timedAsync, writeTimings } from "@repo/infra/lib/synth-timings.ts";

startTimings();
const { bareApp } = await timedAsync("other modules load", () => import("./bare-cdk-stacks.ts"));
const app = timed("construct building", () => bareApp(Number(process.env.BARE_CDK_SERVICES ?? "1")));
timed("writing the assembly", () => app.synth());
writeTimings();
