/**
 * What the duration depends on, in the ECS API's field names: both the manifest's configuration
 * (ecsDeploymentConfiguration) and what DescribeServices reports fit it.
 */
export interface DeploymentTiming {
  strategy?: string;
  bakeTimeInMinutes?: number;
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
}

/**
 * ECS's defaults when a linear or canary configuration leaves a value out (the ECS API reference, as shipped in the
 * SDK's model docs: LinearConfiguration, CanaryConfiguration).
 */
const LINEAR_DEFAULTS = { stepPercent: 10, stepBakeTimeInMinutes: 6 };
const CANARY_DEFAULTS = { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };

export interface MinimumDuration {
  minutes: number;
  /** How the minutes come about, for a person reading the log. */
  explanation: string;
}

/**
 * The least time a service deployment with this configuration can take: the waits ECS itself inserts between traffic
 * shifts plus the bake time. Scaling up, health checks and lifecycle hooks come on top, so a timeout must be longer.
 */
export function minimumDeploymentDuration(config: DeploymentTiming | undefined): MinimumDuration {
  const strategy = config?.strategy ?? "ROLLING";
  const bake = config?.bakeTimeInMinutes ?? 0;
  switch (strategy) {
    case "BLUE_GREEN":
      return { minutes: bake, explanation: `blue/green, then ${bake} min bake time` };
    case "LINEAR": {
      const stepPercent = config?.linearConfiguration?.stepPercent ?? LINEAR_DEFAULTS.stepPercent;
      const stepBake = config?.linearConfiguration?.stepBakeTimeInMinutes ?? LINEAR_DEFAULTS.stepBakeTimeInMinutes;
      // ECS waits between steps, not after the one that reaches 100 percent; the rounding guards 100 / 3.3 and alike.
      const steps = Math.ceil(100 / stepPercent - 1e-9);
      return {
        minutes: (steps - 1) * stepBake + bake,
        explanation: `linear, ${steps} steps of ${stepPercent}% with ${stepBake} min between them, then ${bake} min bake time`,
      };
    }
    case "CANARY": {
      const percent = config?.canaryConfiguration?.canaryPercent ?? CANARY_DEFAULTS.canaryPercent;
      const canaryBake =
        config?.canaryConfiguration?.canaryBakeTimeInMinutes ?? CANARY_DEFAULTS.canaryBakeTimeInMinutes;
      return {
        minutes: canaryBake + bake,
        explanation: `canary, ${percent}% for ${canaryBake} min, then the rest and ${bake} min bake time`,
      };
    }
    default:
      return { minutes: 0, explanation: `${strategy.toLowerCase()} update, no bake time` };
  }
}
