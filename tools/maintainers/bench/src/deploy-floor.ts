// The minimum time a CodeDeploy ECS blue/green deployment spends waiting on configuration, read from a
// synthesized CloudFormation template. Fargate task start, image pull and the hooks' own run time come on top.

/** What the floor depends on, for one deployment group. */
export interface DeployWaits {
  healthCheckIntervalSec: number;
  healthyThresholdCount: number;
  deregistrationDelaySec: number;
  terminationWaitMin: number;
  deploymentConfigName: string;
  /** Time between the first traffic shift and 100 % on the new task set. */
  bakeSec: number;
}

export interface DeployFloor {
  /** A new target is healthy after interval × healthy threshold. */
  healthySec: number;
  bakeSec: number;
  terminationWaitSec: number;
  deregistrationDelaySec: number;
  /** Healthy + bake: when production serves the new version only. */
  untilProductionSec: number;
  /** Everything: when the deployment succeeds and the next queued pipeline execution may deploy. */
  untilCompleteSec: number;
}

/** AWS's defaults, each from its documentation (see AWS_DEFAULT_SOURCES). */
export const AWS_DEFAULT_WAITS: DeployWaits = {
  healthCheckIntervalSec: 30,
  healthyThresholdCount: 5,
  deregistrationDelaySec: 300,
  terminationWaitMin: 5,
  deploymentConfigName: "CodeDeployDefault.ECSAllAtOnce",
  bakeSec: 0,
};

export const AWS_DEFAULT_SOURCES = [
  {
    label: "Target group health check: 30 s interval, 5 healthy checks (Amazon ECS developer guide)",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html",
  },
  {
    label: "deregistration_delay.timeout_seconds: 300 (Amazon ECS developer guide)",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html",
  },
  {
    label:
      "Blue task set termination wait: 5 minutes by default for CloudFormation's CodeDeploy blue/green " +
      "(TerminationWaitTimeInMinutes; CDK's EcsDeploymentGroup defaults to 0)",
    url: "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.CfnCodeDeployBlueGreenAdditionalOptions.html",
  },
  {
    label: "CodeDeployDefault.ECSAllAtOnce and the predefined ECS canary/linear configurations (CodeDeploy user guide)",
    url: "https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html",
  },
];

const MINUTE = 60;

/** CodeDeploy's predefined ECS configurations: seconds from the first shift to 100 %. */
export const PREDEFINED_BAKE_SEC: Readonly<Record<string, number>> = {
  "CodeDeployDefault.ECSAllAtOnce": 0,
  "CodeDeployDefault.ECSCanary10Percent5Minutes": 5 * MINUTE,
  "CodeDeployDefault.ECSCanary10Percent15Minutes": 15 * MINUTE,
  // Linear: 10 % now, then 10 % more after each interval: 9 intervals to 100 %.
  "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": 9 * MINUTE,
  "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": 27 * MINUTE,
};

export function floorOf(waits: DeployWaits): DeployFloor {
  const healthySec = waits.healthCheckIntervalSec * waits.healthyThresholdCount;
  const terminationWaitSec = waits.terminationWaitMin * MINUTE;
  return {
    healthySec,
    bakeSec: waits.bakeSec,
    terminationWaitSec,
    deregistrationDelaySec: waits.deregistrationDelaySec,
    untilProductionSec: healthySec + waits.bakeSec,
    untilCompleteSec: healthySec + waits.bakeSec + terminationWaitSec + waits.deregistrationDelaySec,
  };
}

type Json = unknown;
export interface Resource {
  Type?: string;
  Properties?: Record<string, Json>;
}
export interface Template {
  Resources?: Record<string, Resource>;
}

/** One CodeDeploy ECS deployment group of a template, with everything the floor needs. */
export interface DeploymentGroupWaits {
  /** The container name of the ECS service it deploys (the service's name), or the group's name. */
  service: string;
  deploymentGroupLogicalId: string;
  waits: DeployWaits;
  /** Waits on a person, not on configuration: not in the floor, but worth saying. */
  manualWaits: string[];
  /** ExecutionMode of the template's pipelines (QUEUED: a push waits for the deployment before it). */
  pipelineExecutionModes: string[];
}

export class TemplateShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateShapeError";
  }
}

/** Reads every ECS blue/green deployment group of a template. */
export function deploymentGroupWaits(template: Template, templateName: string): DeploymentGroupWaits[] {
  const resources = template.Resources ?? {};
  const groups = Object.entries(resources).filter(
    ([, resource]) =>
      resource.Type === "AWS::CodeDeploy::DeploymentGroup" && Array.isArray(resource.Properties?.ECSServices),
  );
  return groups.map(([logicalId, group]) => {
    const where = `${templateName}: ${logicalId}`;
    const props = group.Properties ?? {};
    const health = targetGroupWaits(targetGroupsOf(props, resources, where));

    const blueGreen = record(props.BlueGreenDeploymentConfiguration);
    const terminate = record(blueGreen.TerminateBlueInstancesOnDeploymentSuccess);
    const terminationWaitMin =
      typeof terminate.TerminationWaitTimeInMinutes === "number" ? terminate.TerminationWaitTimeInMinutes : 0;
    const manualWaits: string[] = [];
    const ready = record(blueGreen.DeploymentReadyOption);
    if (ready.ActionOnTimeout === "STOP_DEPLOYMENT") {
      manualWaits.push(
        `traffic is rerouted only when someone continues the deployment (up to ${String(ready.WaitTimeInMinutes)} min)`,
      );
    }
    if (terminate.Action === "KEEP_ALIVE") manualWaits.push("the blue task set is kept running (KEEP_ALIVE)");

    const { name, bakeSec } = deploymentConfig(props.DeploymentConfigName, resources, where);
    const pipelines = Object.values(resources).filter((r) => r.Type === "AWS::CodePipeline::Pipeline");
    for (const pipeline of pipelines) {
      const approvals = approvalActions(pipeline);
      if (approvals > 0) manualWaits.push(`the pipeline has ${approvals} manual approval action(s)`);
    }

    return {
      service:
        serviceName(props, resources) ??
        (typeof props.DeploymentGroupName === "string" ? props.DeploymentGroupName : logicalId),
      deploymentGroupLogicalId: logicalId,
      waits: {
        ...health,
        terminationWaitMin,
        deploymentConfigName: name,
        bakeSec,
      },
      manualWaits,
      // CloudFormation's default execution mode is SUPERSEDED.
      pipelineExecutionModes: pipelines.map((pipeline) => String(pipeline.Properties?.ExecutionMode ?? "SUPERSEDED")),
    };
  });
}

/** What a deployment waits for on its target groups: the slowest of them. */
export type TargetGroupWaits = Pick<
  DeployWaits,
  "healthCheckIntervalSec" | "healthyThresholdCount" | "deregistrationDelaySec"
>;

export function targetGroupWaits(targetGroups: readonly Resource[]): TargetGroupWaits {
  return {
    healthCheckIntervalSec: Math.max(...targetGroups.map((tg) => numberProp(tg, "HealthCheckIntervalSeconds", 30))),
    healthyThresholdCount: Math.max(...targetGroups.map((tg) => numberProp(tg, "HealthyThresholdCount", 5))),
    deregistrationDelaySec: Math.max(...targetGroups.map((tg) => deregistrationDelay(tg))),
  };
}

export function record(value: Json): Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Json>) : {};
}

/** The logical id a Ref or Fn::GetAtt points at. */
export function referencedId(value: Json): string | undefined {
  const ref = record(value);
  if (typeof ref.Ref === "string") return ref.Ref;
  const getAtt = ref["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  return undefined;
}

function targetGroupsOf(props: Record<string, Json>, resources: Record<string, Resource>, where: string): Resource[] {
  const pairs = record(props.LoadBalancerInfo).TargetGroupPairInfoList;
  const ids = (Array.isArray(pairs) ? pairs : []).flatMap((pair) => {
    const groups = record(pair).TargetGroups;
    return (Array.isArray(groups) ? groups : []).map((group) => referencedId(record(group).Name));
  });
  const found = ids.flatMap((id) => {
    const resource = id ? resources[id] : undefined;
    return resource?.Type === "AWS::ElasticLoadBalancingV2::TargetGroup" ? [resource] : [];
  });
  if (found.length > 0) return found;
  // Target groups named by literal names (or imported): fall back to every target group of the template.
  const all = Object.values(resources).filter((r) => r.Type === "AWS::ElasticLoadBalancingV2::TargetGroup");
  if (all.length === 0) throw new TemplateShapeError(`${where}: no target group found for the deployment group`);
  return all;
}

function numberProp(resource: Resource, key: string, fallback: number): number {
  const value = resource.Properties?.[key];
  return typeof value === "number" ? value : fallback;
}

function deregistrationDelay(targetGroup: Resource): number {
  const attributes = targetGroup.Properties?.TargetGroupAttributes;
  for (const attribute of Array.isArray(attributes) ? attributes : []) {
    const { Key, Value } = record(attribute);
    if (Key === "deregistration_delay.timeout_seconds") return Number(Value);
  }
  return 300;
}

function deploymentConfig(value: Json, resources: Record<string, Resource>, where: string) {
  if (value === undefined) return { name: "CodeDeployDefault.ECSAllAtOnce", bakeSec: 0 };
  if (typeof value === "string") {
    const bakeSec = PREDEFINED_BAKE_SEC[value];
    if (bakeSec === undefined) throw new TemplateShapeError(`${where}: unknown deployment configuration ${value}`);
    return { name: value, bakeSec };
  }
  const id = referencedId(value);
  const resource = id ? resources[id] : undefined;
  if (!id || resource?.Type !== "AWS::CodeDeploy::DeploymentConfig") {
    throw new TemplateShapeError(
      `${where}: DeploymentConfigName is neither a predefined name nor a deployment config of this template`,
    );
  }
  const routing = record(resource.Properties?.TrafficRoutingConfig);
  const canary = record(routing.TimeBasedCanary);
  const linear = record(routing.TimeBasedLinear);
  if (routing.Type === "TimeBasedCanary") {
    return {
      name: `custom canary ${String(canary.CanaryPercentage)} % then ${String(canary.CanaryInterval)} min`,
      bakeSec: Number(canary.CanaryInterval) * MINUTE,
    };
  }
  if (routing.Type === "TimeBasedLinear") {
    const steps = Math.ceil(100 / Number(linear.LinearPercentage)) - 1;
    return {
      name: `custom linear ${String(linear.LinearPercentage)} % every ${String(linear.LinearInterval)} min`,
      bakeSec: steps * Number(linear.LinearInterval) * MINUTE,
    };
  }
  return { name: `custom ${String(routing.Type ?? "AllAtOnce")}`, bakeSec: 0 };
}

function serviceName(props: Record<string, Json>, resources: Record<string, Resource>): string | undefined {
  const services = props.ECSServices;
  const first = Array.isArray(services) ? record(services[0]) : {};
  const id = referencedId(first.ServiceName);
  const service = id ? resources[id] : undefined;
  const balancers = service?.Properties?.LoadBalancers;
  const container = Array.isArray(balancers) ? record(balancers[0]).ContainerName : undefined;
  return typeof container === "string" ? container : undefined;
}

function approvalActions(pipeline: Resource): number {
  const stages = pipeline.Properties?.Stages;
  let count = 0;
  for (const stage of Array.isArray(stages) ? stages : []) {
    const actions = record(stage).Actions;
    for (const action of Array.isArray(actions) ? actions : []) {
      if (record(record(action).ActionTypeId).Category === "Approval") count++;
    }
  }
  return count;
}
