// The same floor for a service whose ECS deployment controller runs the blue/green deployment itself. In the floor's
// terms: ECS's traffic shifts (linear steps, the canary's wait) are the "bake" (first shift to 100 %), and ECS's bake
// time, when both revisions run after the shift, is the "termination wait" (CodeDeploy's blue task set kept).
import { ecsDeploymentConfiguration, type ServiceManifest } from "@repo/service-contract";
import { type DeploymentTiming, minimumDeploymentDuration } from "@repo/service-contract/deployment-duration";
import {
  type DeployWaits,
  type Resource,
  record,
  referencedId,
  type TargetGroupWaits,
  type Template,
  TemplateShapeError,
  targetGroupWaits,
} from "./deploy-floor.ts";

/** An ECS-controlled service of a template: its deployment configuration and its two target groups' waits. */
export interface NativeService {
  service: string;
  logicalId: string;
  timing: DeploymentTiming;
  targetGroups: TargetGroupWaits;
}

export function nativeWaits(timing: DeploymentTiming, targetGroups: TargetGroupWaits): DeployWaits {
  const bakeMin = timing.bakeTimeInMinutes ?? 0;
  const { minutes, explanation } = minimumDeploymentDuration(timing);
  return {
    ...targetGroups,
    terminationWaitMin: bakeMin,
    deploymentConfigName: `ECS ${explanation}`,
    bakeSec: (minutes - bakeMin) * 60,
  };
}

/** What the manifest's deployment settings give on the ECS engine (the contract's mapping, as infra applies it). */
export function manifestTiming(manifest: ServiceManifest): DeploymentTiming {
  return ecsDeploymentConfiguration(manifest.deployment);
}

/** The template's ECS-controlled services (DeploymentController ECS, a blue/green-family strategy). */
export function nativeServices(template: Template, templateName: string): NativeService[] {
  const resources = template.Resources ?? {};
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === "AWS::ECS::Service")
    .filter(([, resource]) => record(resource.Properties?.DeploymentController).Type === "ECS")
    .map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const config = record(props.DeploymentConfiguration);
      const linear = record(config.LinearConfiguration);
      const canary = record(config.CanaryConfiguration);
      const balancers = Array.isArray(props.LoadBalancers) ? props.LoadBalancers.map(record) : [];
      const groupIds = balancers.flatMap((binding) => [
        referencedId(binding.TargetGroupArn),
        referencedId(record(binding.AdvancedConfiguration).AlternateTargetGroupArn),
      ]);
      const groups = groupIds.flatMap((id): Resource[] => {
        const group = id ? resources[id] : undefined;
        return group?.Type === "AWS::ElasticLoadBalancingV2::TargetGroup" ? [group] : [];
      });
      if (groups.length === 0) {
        throw new TemplateShapeError(`${templateName}: ${logicalId}: no target group found for the ECS service`);
      }
      const container = balancers[0]?.ContainerName;
      return {
        service: typeof container === "string" ? container : logicalId,
        logicalId,
        timing: {
          strategy: typeof config.Strategy === "string" ? config.Strategy : undefined,
          bakeTimeInMinutes: numberOr(config.BakeTimeInMinutes),
          linearConfiguration: {
            stepPercent: numberOr(linear.StepPercent),
            stepBakeTimeInMinutes: numberOr(linear.StepBakeTimeInMinutes),
          },
          canaryConfiguration: {
            canaryPercent: numberOr(canary.CanaryPercent),
            canaryBakeTimeInMinutes: numberOr(canary.CanaryBakeTimeInMinutes),
          },
        },
        targetGroups: targetGroupWaits(groups),
      };
    });
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
