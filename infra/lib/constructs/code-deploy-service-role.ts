import { ArnFormat, Fn, Stack } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import type * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { iamResourceFinding, suppress } from "../nag.ts";
import { trustedService } from "../trust.ts";

export interface CodeDeployServiceRoleProps {
  /** Application and deployment group names: the trust policy admits CodeDeploy for this group only. */
  applicationName: string;
  deploymentGroupName: string;
  service: ecs.IBaseService;
  /** The listeners CodeDeploy switches: production and test. */
  listeners: readonly elbv2.IApplicationListener[];
  /** The roles of the task definition: CreateTaskSet passes them to ECS. */
  taskRoles: readonly iam.IRole[];
  alarms: readonly cloudwatch.IAlarm[];
  /** The lifecycle hook function, by name, when there is one. */
  hookFunctionName?: string;
  /** Where the pipeline's revision (appspec, task definition) is stored. */
  artifactBucket: s3.IBucket;
}

/**
 * The role CodeDeploy assumes to run this service's blue/green deployments, in place of AWSCodeDeployRoleForECS
 * (which allows task-set, listener and rule changes on every service and load balancer, invoking every function,
 * reading every object and passing every role). It names this service's task sets, listeners and rules, its hook
 * function, its alarms, its artifacts, and passes only its task's two roles. Only the ELB Describe* calls, which
 * have no resource-level permissions, name `*`.
 */
export class CodeDeployServiceRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CodeDeployServiceRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const deploymentGroupArn = stack.formatArn({
      service: "codedeploy",
      resource: "deploymentgroup",
      resourceName: `${props.applicationName}/${props.deploymentGroupName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: trustedService(this, "codedeploy.amazonaws.com", deploymentGroupArn),
      description: `${props.deploymentGroupName} blue/green deployments: this service's task sets, listeners, hook and alarms`,
    });

    const taskSets = childrenOf(props.service.serviceArn, "service", "task-set");
    const listenerRules = props.listeners.map((listener) =>
      childrenOf(listener.listenerArn, "listener", "listener-rule"),
    );
    const revisions = props.artifactBucket.arnForObjects("*");
    const statements = [
      new iam.PolicyStatement({
        sid: "TaskSets",
        actions: ["ecs:DescribeServices", "ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet"],
        resources: [props.service.serviceArn, taskSets],
      }),
      new iam.PolicyStatement({
        sid: "SwitchListeners",
        actions: ["elasticloadbalancing:ModifyListener"],
        resources: props.listeners.map((listener) => listener.listenerArn),
      }),
      new iam.PolicyStatement({
        sid: "SwitchListenerRules",
        actions: ["elasticloadbalancing:ModifyRule"],
        resources: listenerRules,
      }),
      new iam.PolicyStatement({
        sid: "DescribeLoadBalancing",
        actions: [
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
        ],
        resources: ["*"],
      }),
      new iam.PolicyStatement({
        sid: "PassTaskRoles",
        actions: ["iam:PassRole"],
        resources: props.taskRoles.map((role) => role.roleArn),
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
      new iam.PolicyStatement({
        sid: "ReadRevision",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [revisions],
      }),
      ...(props.alarms.length > 0
        ? [
            new iam.PolicyStatement({
              sid: "ReadAlarms",
              actions: ["cloudwatch:DescribeAlarms"],
              resources: props.alarms.map((alarm) => alarm.alarmArn),
            }),
          ]
        : []),
      ...(props.hookFunctionName
        ? [
            new iam.PolicyStatement({
              sid: "InvokeHook",
              actions: ["lambda:InvokeFunction"],
              resources: [
                stack.formatArn({
                  service: "lambda",
                  resource: "function",
                  resourceName: props.hookFunctionName,
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              ],
            }),
          ]
        : []),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);

    suppress(this.role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Resource * only for elasticloadbalancing:DescribeTargetGroups, DescribeListeners and DescribeRules, which " +
          "have no resource-level permissions (Service Authorization Reference).",
        appliesTo: ["Resource::*"],
      },
      {
        id: "AwsSolutions-IAM5",
        reason:
          "This service's own task sets (task-set/<cluster>/<service>/*, created per deployment with generated ids), " +
          "the rules of its own two listeners (listener-rule/<listener>/*), and the revision objects in its own " +
          "artifact bucket, whose keys CodePipeline generates.",
        appliesTo: [taskSets, ...listenerRules, revisions].map((arn) => iamResourceFinding(this.role, arn)),
      },
    ]);
  }
}

/**
 * Every resource under a parent, by ARN: `...:service/<cluster>/<name>` -> `...:task-set/<cluster>/<name>/*`,
 * `...:listener/app/<lb>/<id>/<listener>` -> `...:listener-rule/app/<lb>/<id>/<listener>/*`.
 */
function childrenOf(parentArn: string, parent: string, child: string): string {
  const parts = Fn.split(`:${parent}/`, parentArn);
  return Fn.join("", [Fn.select(0, parts), `:${child}/`, Fn.select(1, parts), "/*"]);
}
