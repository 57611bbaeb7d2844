import { type FlagSpec, lastValue, parseFlags } from "./flags.ts";
import { notEmulated } from "./refusal.ts";

/** What the rehearsal's `aws` answers: only the ECR login password the Build stage pipes into docker login. */
export type AwsInvocation = { kind: "ecr-get-login-password"; region: string | undefined };

const AWS_FLAGS: readonly FlagSpec[] = [{ name: "region", kind: "value" }];

/** A placeholder ECR password: the local registry takes any login (and no real token exists offline). */
export const DUMMY_ECR_PASSWORD = "rehearse-local-registry-needs-no-password";

export function parseAwsArgs(args: readonly string[]): AwsInvocation {
  const refuse = (detail?: string) => notEmulated("aws", args, detail);
  const flags = parseFlags(args, AWS_FLAGS, (flag) => refuse(`option ${flag}`));
  const [service, operation, ...extra] = flags.positionals;
  if (service === "ecr" && operation === "get-login-password" && extra.length === 0) {
    return { kind: "ecr-get-login-password", region: lastValue(flags, "region") };
  }
  throw refuse();
}
