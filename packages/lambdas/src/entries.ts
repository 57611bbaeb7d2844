import { fileURLToPath } from "node:url";

/** Every Lambda function of the stacks: its folder under src/, whose index.ts exports `handler`. */
export const LAMBDA_NAMES = ["push-router", "test-traffic-hook", "ecs-test-traffic-hook"] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

/** The absolute path of a function's entry point, for infra's esbuild bundle (handler export: `handler`). */
export function lambdaEntry(name: LambdaName): string {
  return fileURLToPath(new URL(`./${name}/index.ts`, import.meta.url));
}
