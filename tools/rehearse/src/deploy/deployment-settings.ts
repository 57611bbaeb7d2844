// How the synthesized stacks say traffic moves: ECS's DeploymentConfiguration, or CodeDeploy's deployment config and
// termination wait, both as the ECS API's DeploymentTiming (the contract's shape for shifts and bake time).
import { ecsTiming, type TrafficStrategy } from "@repo/service-contract";
import type { DeploymentTiming } from "@repo/service-contract/deployment-duration";
import { asRecord, numberProperty, type Stacks, TemplateError } from "./templates.ts";
import type { ServiceTopology } from "./topology.ts";

export function readDeploymentTiming(stacks: Stacks, topology: ServiceTopology): DeploymentTiming {
  return topology.engine === "ecs" ? ecsServiceTiming(topology) : codeDeployTiming(stacks, topology.stack);
}

function ecsServiceTiming(topology: ServiceTopology): DeploymentTiming {
  const config = asRecord(topology.ecsService.properties.DeploymentConfiguration) ?? {};
  const what = (field: string) => `${topology.stack}: the ECS service's DeploymentConfiguration.${field}`;
  const strategy = String(config.Strategy ?? "ROLLING");
  if (!["BLUE_GREEN", "LINEAR", "CANARY"].includes(strategy)) {
    throw new TemplateError(`${what("Strategy")} is ${strategy}: the rehearsal plays BLUE_GREEN, LINEAR and CANARY`);
  }
  const linear = asRecord(config.LinearConfiguration);
  const canary = asRecord(config.CanaryConfiguration);
  return {
    strategy,
    bakeTimeInMinutes: numberProperty(config.BakeTimeInMinutes ?? 0, what("BakeTimeInMinutes")),
    ...(linear
      ? {
          linearConfiguration: {
            stepPercent: numberProperty(linear.StepPercent, what("LinearConfiguration.StepPercent")),
            stepBakeTimeInMinutes: numberProperty(
              linear.StepBakeTimeInMinutes,
              what("LinearConfiguration.StepBakeTimeInMinutes"),
            ),
          },
        }
      : {}),
    ...(canary
      ? {
          canaryConfiguration: {
            canaryPercent: numberProperty(canary.CanaryPercent, what("CanaryConfiguration.CanaryPercent")),
            canaryBakeTimeInMinutes: numberProperty(
              canary.CanaryBakeTimeInMinutes,
              what("CanaryConfiguration.CanaryBakeTimeInMinutes"),
            ),
          },
        }
      : {}),
  };
}

/** CodeDeploy's predefined ECS configurations, by AWS's naming pattern (CodeDeploy user guide, "Deployment configurations"). */
const PREDEFINED: { pattern: RegExp; strategy: TrafficStrategy }[] = [
  { pattern: /^CodeDeployDefault\.ECSAllAtOnce$/, strategy: "all-at-once" },
  { pattern: /^CodeDeployDefault\.ECSCanary(\d+)Percent(\d+)Minutes$/, strategy: "canary" },
  { pattern: /^CodeDeployDefault\.ECSLinear(\d+)PercentEvery(\d+)Minutes?$/, strategy: "linear" },
];

/** A custom CodeDeploy configuration's TrafficRoutingConfig: its type, the manifest's strategy and its step's fields. */
const ROUTING_TYPES: Record<string, { strategy: TrafficStrategy; step?: [string, string, string] }> = {
  AllAtOnce: { strategy: "all-at-once" },
  TimeBasedCanary: { strategy: "canary", step: ["TimeBasedCanary", "CanaryPercentage", "CanaryInterval"] },
  TimeBasedLinear: { strategy: "linear", step: ["TimeBasedLinear", "LinearPercentage", "LinearInterval"] },
};

function codeDeployTiming(stacks: Stacks, stack: string): DeploymentTiming {
  const group = stacks.only(stack, "AWS::CodeDeploy::DeploymentGroup");
  const what = `${stack}: the deployment group ${group.logicalId}`;
  const blueGreen = asRecord(group.properties.BlueGreenDeploymentConfiguration);
  const termination = asRecord(blueGreen?.TerminateBlueInstancesOnDeploymentSuccess);
  const bakeTimeInMinutes =
    termination?.Action === "KEEP_ALIVE"
      ? 0
      : numberProperty(termination?.TerminationWaitTimeInMinutes ?? 0, `${what} TerminationWaitTimeInMinutes`);
  const name = group.properties.DeploymentConfigName;
  if (typeof name === "string") {
    for (const { pattern, strategy } of PREDEFINED) {
      const match = pattern.exec(name);
      if (match)
        return ecsTiming(strategy, { percent: Number(match[1]), intervalMinutes: Number(match[2]) }, bakeTimeInMinutes);
    }
    throw new TemplateError(`${what} uses ${name}, which is not one of CodeDeploy's predefined ECS configurations`);
  }
  const config = stacks.referenced(stack, name, `${what} DeploymentConfigName`);
  const routing = asRecord(config.properties.TrafficRoutingConfig) ?? {};
  const type = ROUTING_TYPES[String(routing.Type)];
  if (!type) {
    throw new TemplateError(
      `${config.stack}: ${config.logicalId} TrafficRoutingConfig.Type ${String(routing.Type)} is unknown`,
    );
  }
  if (!type.step) return ecsTiming(type.strategy, { percent: 100, intervalMinutes: 0 }, bakeTimeInMinutes);
  const [block, percent, interval] = type.step;
  const fields = asRecord(routing[block]);
  const field = (label: string) => numberProperty(fields?.[label], `${config.stack}: ${config.logicalId} ${label}`);
  return ecsTiming(type.strategy, { percent: field(percent), intervalMinutes: field(interval) }, bakeTimeInMinutes);
}
