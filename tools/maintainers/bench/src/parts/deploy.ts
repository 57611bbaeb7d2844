import type { BenchPart } from "../context.ts";
import {
  AWS_DEFAULT_SOURCES,
  AWS_DEFAULT_WAITS,
  type DeploymentGroupWaits,
  type DeployWaits,
  deploymentGroupWaits,
  floorOf,
  type Template,
} from "../deploy-floor.ts";
import { type Figure, figure } from "../model.ts";
import { manifestTiming, type NativeService, nativeServices, nativeWaits } from "../native-deploy-floor.ts";
import { synthesizedTemplates } from "../synthesized.ts";

const DEFAULTS_LABEL = "AWS defaults";

/** The service's deployment in the synthesized templates: a CodeDeploy deployment group, or an ECS-controlled service. */
export interface ServiceDeployment {
  template: string;
  codeDeploy?: DeploymentGroupWaits;
  native?: NativeService;
}

export function findServiceDeployment(templates: ReadonlyMap<string, Template>, service: string): ServiceDeployment {
  const matches = (name: string) => name === service || name.endsWith(`-${service}`);
  const seen: string[] = [];
  for (const [name, template] of templates) {
    const groups = deploymentGroupWaits(template, name);
    const natives = nativeServices(template, name);
    seen.push(...groups.map((group) => group.service), ...natives.map((native) => native.service));
    const codeDeploy = groups.find((group) => matches(group.service));
    const native = natives.find((candidate) => matches(candidate.service));
    if (codeDeploy || native)
      return { template: name, ...(codeDeploy ? { codeDeploy } : {}), ...(native ? { native } : {}) };
  }
  throw new Error(`no blue/green deployment of ${service} in the templates (found: ${seen.join(", ") || "none"})`);
}

/** One engine's floor, row by row, each beside AWS's defaults. */
function floorRows(engine: string, waits: DeployWaits, shiftLabel: string, keptLabel: string): Figure[] {
  const ours = floorOf(waits);
  const defaults = floorOf(AWS_DEFAULT_WAITS);
  const d = AWS_DEFAULT_WAITS;
  const row = (name: string, value: number, baseline: number, detail?: string): Figure =>
    figure({
      name: `${engine}: ${name}`,
      unit: "s",
      value,
      baseline,
      baselineLabel: DEFAULTS_LABEL,
      better: "lower",
      ...(detail ? { detail } : {}),
    });
  return [
    row(
      "new task healthy: health check interval × healthy threshold",
      ours.healthySec,
      defaults.healthySec,
      `${waits.healthCheckIntervalSec} s × ${waits.healthyThresholdCount}; defaults ${d.healthCheckIntervalSec} s × ${d.healthyThresholdCount}`,
    ),
    row(shiftLabel, ours.bakeSec, defaults.bakeSec, `${waits.deploymentConfigName}; default ${d.deploymentConfigName}`),
    row(keptLabel, ours.terminationWaitSec, defaults.terminationWaitSec),
    row("deregistration delay (draining)", ours.deregistrationDelaySec, defaults.deregistrationDelaySec),
    row(
      "floor until production serves only the new version (healthy + shifts)",
      ours.untilProductionSec,
      defaults.untilProductionSec,
    ),
    row(
      "floor until the deployment completes (the next queued push may deploy)",
      ours.untilCompleteSec,
      defaults.untilCompleteSec,
    ),
  ];
}

export const deployPart: BenchPart = {
  id: "deploy",
  number: "7",
  title: "Deploy floor: blue/green time spent waiting on configuration, on either engine",
  async run(ctx) {
    const { source, templates } = await synthesizedTemplates(ctx);
    const found = findServiceDeployment(templates, ctx.options.service);
    const figures: Figure[] = [];
    const notes = [
      `Read from ${source} (${found.template}). Floor = interval × ` +
        "healthy threshold + traffic shifts + time the old version is kept + deregistration delay: configuration " +
        "waits only; Fargate task start, image pull and the test-traffic hook's own run time come on top. AWS " +
        "defaults: 30 s × 5 health checks, 300 s deregistration delay, 5 min termination wait, " +
        "CodeDeployDefault.ECSAllAtOnce (no shifts) — see Sources. ECS's own blue/green has no default bake time " +
        "(BLUE_GREEN requires one), so its rows are set beside the same AWS defaults.",
    ];
    if (found.codeDeploy) {
      figures.push(
        ...floorRows(
          "CodeDeploy",
          found.codeDeploy.waits,
          "traffic shift bake (deployment configuration)",
          "termination wait (blue task set kept for rollback)",
        ),
      );
      const modes = found.codeDeploy.pipelineExecutionModes;
      if (modes.length === 0) notes.push("No pipeline in this stack.");
      else if (modes.every((mode) => mode === "QUEUED")) {
        notes.push(
          "The service's pipeline runs in QUEUED mode: the next push's deployment waits for this whole floor.",
        );
      } else notes.push(`Pipeline execution mode: ${modes.join(", ")}.`);
      if (found.codeDeploy.manualWaits.length > 0) {
        notes.push(`Human waits, not counted: ${found.codeDeploy.manualWaits.join("; ")}.`);
      }
    }
    const native = found.native
      ? nativeWaits(found.native.timing, found.native.targetGroups)
      : nativeWaits(manifestTiming(ctx.manifest), (found.codeDeploy as DeploymentGroupWaits).waits);
    figures.push(
      ...floorRows(
        found.native ? "ECS engine" : "ECS engine (same settings)",
        native,
        "traffic shifts (linear steps or the canary's wait)",
        "bake time (both revisions run, ECS rolls back on an alarm)",
      ),
    );
    if (!found.native) {
      notes.push(
        `${ctx.options.service} runs on CodeDeploy; its ECS-engine rows are what the same service.json gives with ` +
          '"deployment": { "engine": "ecs" } (the contract\'s ecsDeploymentConfiguration), on the same target groups.',
      );
    }
    if (ctx.manifest.deployment.manualApproval)
      notes.push("Human waits, not counted: service.json asks for a manual approval.");
    return {
      figures,
      notes,
      raw: { templates: source, found, native },
      sources: AWS_DEFAULT_SOURCES,
    };
  },
};
