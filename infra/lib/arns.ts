// ARNs derived from other ARNs, in CloudFormation functions (the parents are tokens at synth).
import { Fn, Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Every resource under a parent, by ARN: `...:service/<cluster>/<name>` -> `...:task-set/<cluster>/<name>/*`,
 * `...:listener/app/<lb>/<id>/<listener>` -> `...:listener-rule/app/<lb>/<id>/<listener>/*`.
 */
export function childrenOf(parentArn: string, parent: string, child: string): string {
  const parts = Fn.split(`:${parent}/`, parentArn);
  return Fn.join("", [Fn.select(0, parts), `:${child}/`, Fn.select(1, parts), "/*"]);
}

/** Every revision of a task definition family (the next one's number is not known in advance). */
export function taskDefinitionRevisions(scope: IConstruct, family: string): string {
  return Stack.of(scope).formatArn({ service: "ecs", resource: "task-definition", resourceName: `${family}:*` });
}
