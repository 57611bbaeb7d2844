// How the synthesized stacks say traffic moves: ECS's DeploymentConfiguration, or CodeDeploy's deployment config and
// termination wait, both as the ECS API's DeploymentTiming (the contract's shape for shifts and bake time).
import type { DeploymentTiming } from "@repo/service-contract/deployment-duration";
import { asRecord, numberProperty, type Stacks, TemplateError } from "./templates.ts";
import type { ServiceTopology } from "./topology.ts";

export function readDeploymentTiming(stacks: Stacks, topology: ServiceTopology): DeploymentTiming {
  return topology.engine === "ecs" ? ecsTiming(topology) : codeDeployTiming(stacks, topology.stack);
}

function ecsTiming(topology: ServiceTopology): DeploymentTiming {
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
const PREDEFINED = [
  { pattern: /^CodeDeployDefault\.ECSAllAtOnce$/, timing: () => ({ strategy: "BLUE_GREEN" }) },
  {
    pattern: /^CodeDeployDefault\.ECSCanary(\d+)Percent(\d+)Minutes$/,
    timing: (match: RegExpExecArray) => ({
      strategy: "CANARY",
      canaryConfiguration: { canaryPercent: Number(match[1]), canaryBakeTimeInMinutes: Number(match[2]) },
    }),
  },
  {
    pattern: /^CodeDeployDefault\.ECSLinear(\d+)PercentEvery(\d+)Minutes?$/,
    timing: (match: RegExpExecArray) => ({
      strategy: "LINEAR",
      linearConfiguration: { stepPercent: Number(match[1]), stepBakeTimeInMinutes: Number(match[2]) },
    }),
  },
];

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
    for (const { pattern, timing } of PREDEFINED) {
      const match = pattern.exec(name);
      if (match) return { ...timing(match), bakeTimeInMinutes };
    }
    throw new TemplateError(`${what} uses ${name}, which is not one of CodeDeploy's predefined ECS configurations`);
  }
  const config = stacks.referenced(stack, name, `${what} DeploymentConfigName`);
  const routing = asRecord(config.properties.TrafficRoutingConfig) ?? {};
  const canary = asRecord(routing.TimeBasedCanary);
  const linear = asRecord(routing.TimeBasedLinear);
  const field = (value: unknown, label: string) =>
    numberProperty(value, `${config.stack}: ${config.logicalId} ${label}`);
  switch (routing.Type) {
    case "AllAtOnce":
      return { strategy: "BLUE_GREEN", bakeTimeInMinutes };
    case "TimeBasedCanary":
      return {
        strategy: "CANARY",
        bakeTimeInMinutes,
        canaryConfiguration: {
          canaryPercent: field(canary?.CanaryPercentage, "CanaryPercentage"),
          canaryBakeTimeInMinutes: field(canary?.CanaryInterval, "CanaryInterval"),
        },
      };
    case "TimeBasedLinear":
      return {
        strategy: "LINEAR",
        bakeTimeInMinutes,
        linearConfiguration: {
          stepPercent: field(linear?.LinearPercentage, "LinearPercentage"),
          stepBakeTimeInMinutes: field(linear?.LinearInterval, "LinearInterval"),
        },
      };
    default:
      throw new TemplateError(
        `${config.stack}: ${config.logicalId} TrafficRoutingConfig.Type ${String(routing.Type)} is unknown`,
      );
  }
}
