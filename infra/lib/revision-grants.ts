import * as iam from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";
import { taskDefinitionRevisions } from "./arns.ts";

/**
 * What registering a revision of one task definition family takes, for a Deploy stage's role: RegisterTaskDefinition
 * on the family's revisions, ecs:TagResource on them only while registering (create-new-task-def carries the
 * family's tags over, and tagging on create needs it), and iam:PassRole on the task's two roles, to ECS tasks only.
 */
export function registerRevisionStatements(
  scope: IConstruct,
  family: string,
  taskRoles: readonly iam.IRole[],
): { revisions: string; statements: iam.PolicyStatement[] } {
  const revisions = taskDefinitionRevisions(scope, family);
  return {
    revisions,
    statements: [
      new iam.PolicyStatement({ actions: ["ecs:RegisterTaskDefinition"], resources: [revisions] }),
      new iam.PolicyStatement({
        actions: ["ecs:TagResource"],
        resources: [revisions],
        conditions: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
      }),
      new iam.PolicyStatement({
        actions: ["iam:PassRole"],
        resources: taskRoles.map((taskRole) => taskRole.roleArn),
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
    ],
  };
}
