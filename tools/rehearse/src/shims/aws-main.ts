// The `aws` the buildspec's commands find on PATH during a rehearsal: no AWS call is ever made.
import { DUMMY_ECR_PASSWORD, parseAwsArgs } from "./aws.ts";
import { runShim } from "./runtime.ts";

await runShim(async () => {
  parseAwsArgs(process.argv.slice(2));
  process.stdout.write(`${DUMMY_ECR_PASSWORD}\n`);
  return 0;
});
