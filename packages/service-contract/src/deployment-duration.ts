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

/** One production traffic shift: the green (new) side's share afterwards, and the wait before the next step. */
export interface TrafficShift {
  percent: number;
  /** Minutes ECS (or CodeDeploy) waits after this shift; 0 after the shift that reaches 100 percent. */
  waitMinutes: number;
}

/**
 * The production traffic shifts of a deployment, in order: all at once, a canary and then the rest, or linear steps
 * (ECS and CodeDeploy wait between steps, not after the one that reaches 100 percent). The bake time comes after.
 */
export function trafficShifts(config: DeploymentTiming | undefined): TrafficShift[] {
  switch (config?.strategy ?? "ROLLING") {
    case "BLUE_GREEN":
      return [{ percent: 100, waitMinutes: 0 }];
    case "LINEAR": {
      const { stepPercent, stepBakeTime } = linearSettings(config);
      // The rounding guards 100 / 3.3 and alike.
      const steps = Math.ceil(100 / stepPercent - 1e-9);
      return Array.from({ length: steps }, (_, index) => ({
        percent: Math.min(100, Math.round((index + 1) * stepPercent * 1000) / 1000),
        waitMinutes: index + 1 < steps ? stepBakeTime : 0,
      }));
    }
    case "CANARY": {
      const { percent, canaryBake } = canarySettings(config);
      return [
        { percent, waitMinutes: canaryBake },
        { percent: 100, waitMinutes: 0 },
      ];
    }
    default:
      return [];
  }
}

function linearSettings(config: DeploymentTiming | undefined) {
  return {
    stepPercent: config?.linearConfiguration?.stepPercent ?? LINEAR_DEFAULTS.stepPercent,
    stepBakeTime: config?.linearConfiguration?.stepBakeTimeInMinutes ?? LINEAR_DEFAULTS.stepBakeTimeInMinutes,
  };
}

function canarySettings(config: DeploymentTiming | undefined) {
  return {
    percent: config?.canaryConfiguration?.canaryPercent ?? CANARY_DEFAULTS.canaryPercent,
    canaryBake: config?.canaryConfiguration?.canaryBakeTimeInMinutes ?? CANARY_DEFAULTS.canaryBakeTimeInMinutes,
  };
}

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
  const minutes = trafficShifts(config).reduce((sum, shift) => sum + shift.waitMinutes, 0) + bake;
  switch (strategy) {
    case "BLUE_GREEN":
      return { minutes, explanation: `blue/green, then ${bake} min bake time` };
    case "LINEAR": {
      const { stepPercent, stepBakeTime } = linearSettings(config);
      const steps = trafficShifts(config).length;
      return {
        minutes,
        explanation: `linear, ${steps} steps of ${stepPercent}% with ${stepBakeTime} min between them, then ${bake} min bake time`,
      };
    }
    case "CANARY": {
      const { percent, canaryBake } = canarySettings(config);
      return {
        minutes,
        explanation: `canary, ${percent}% for ${canaryBake} min, then the rest and ${bake} min bake time`,
      };
    }
    default:
      return { minutes: 0, explanation: `${strategy.toLowerCase()} update, no bake time` };
  }
}
