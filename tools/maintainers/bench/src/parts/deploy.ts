import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext, BenchPart } from "../context.ts";
import {
  AWS_DEFAULT_SOURCES,
  AWS_DEFAULT_WAITS,
  type DeploymentGroupWaits,
  deploymentGroupWaits,
  floorOf,
  type Template,
} from "../deploy-floor.ts";
import { type Figure, figure } from "../model.ts";
import { runChecked } from "../processes.ts";

const DEFAULTS_LABEL = "AWS defaults";

/** The templates to read: --cdk-out, or a fresh synth of the repository into a temporary folder. */
async function templatesDir(ctx: BenchContext): Promise<{ dir: string; synthesized: boolean }> {
  if (ctx.options.cdkOut) {
    const dir = path.resolve(ctx.options.cdkOut);
    if (!existsSync(dir)) throw new Error(`--cdk-out ${dir} does not exist`);
    return { dir, synthesized: false };
  }
  const dir = path.join(await ctx.makeTempDir("deploy"), "cdk.out");
  ctx.progress("pnpm --filter @repo/infra synth --output <temporary> (the repository as it is now)");
  await runChecked("pnpm", ["--filter", "@repo/infra", "synth", "--output", dir], {
    cwd: ctx.repoRoot,
    cleanup: ctx.cleanup,
  });
  return { dir, synthesized: true };
}

export function findServiceGroup(dir: string, service: string): DeploymentGroupWaits & { template: string } {
  const templates = readdirSync(dir).filter((name) => name.endsWith(".template.json"));
  if (templates.length === 0) throw new Error(`no *.template.json in ${dir}: not a cdk.out folder`);
  const groups = templates.flatMap((name) =>
    deploymentGroupWaits(JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Template, name).map((group) => ({
      ...group,
      template: name,
    })),
  );
  const match = groups.find((group) => group.service === service || group.service.endsWith(`-${service}`));
  if (!match) {
    const found = groups.map((group) => group.service).join(", ") || "none";
    throw new Error(`no CodeDeploy ECS deployment group for ${service} in ${dir} (found: ${found})`);
  }
  return match;
}

export const deployPart: BenchPart = {
  id: "deploy",
  number: "7",
  title: "Deploy floor: blue/green time spent waiting on configuration",
  async run(ctx) {
    const { dir, synthesized } = await templatesDir(ctx);
    const group = findServiceGroup(dir, ctx.options.service);
    const ours = floorOf(group.waits);
    const defaults = floorOf(AWS_DEFAULT_WAITS);
    const w = group.waits;
    const d = AWS_DEFAULT_WAITS;
    const row = (name: string, value: number, baseline: number, detail?: string): Figure =>
      figure({
        name,
        unit: "s",
        value,
        baseline,
        baselineLabel: DEFAULTS_LABEL,
        better: "lower",
        ...(detail ? { detail } : {}),
      });
    const figures: Figure[] = [
      row(
        "new task healthy: health check interval × healthy threshold",
        ours.healthySec,
        defaults.healthySec,
        `${w.healthCheckIntervalSec} s × ${w.healthyThresholdCount}; defaults ${d.healthCheckIntervalSec} s × ${d.healthyThresholdCount}`,
      ),
      row(
        "traffic shift bake (deployment configuration)",
        ours.bakeSec,
        defaults.bakeSec,
        `${w.deploymentConfigName}; default ${d.deploymentConfigName}`,
      ),
      row("termination wait (blue task set kept for rollback)", ours.terminationWaitSec, defaults.terminationWaitSec),
      row("deregistration delay (draining)", ours.deregistrationDelaySec, defaults.deregistrationDelaySec),
      row(
        "floor until production serves only the new version (healthy + bake)",
        ours.untilProductionSec,
        defaults.untilProductionSec,
      ),
      row(
        "floor until the deployment completes (the next queued push may deploy)",
        ours.untilCompleteSec,
        defaults.untilCompleteSec,
      ),
    ];
    const notes = [
      `Read from ${synthesized ? "a fresh synth of the repository" : dir} (${group.template}, deployment group ` +
        `${group.deploymentGroupLogicalId}). Floor = interval × healthy threshold + bake + termination wait + ` +
        "deregistration delay: configuration waits only; Fargate task start, image pull and the test-traffic hook's " +
        "own run time come on top. AWS defaults: 30 s × 5 health checks, 300 s deregistration delay, " +
        "5 min termination wait, CodeDeployDefault.ECSAllAtOnce (no bake) — see Sources.",
    ];
    const modes = group.pipelineExecutionModes;
    if (modes.length === 0) notes.push("No pipeline in this stack.");
    else if (modes.every((mode) => mode === "QUEUED")) {
      notes.push("The service's pipeline runs in QUEUED mode: the next push's deployment waits for this whole floor.");
    } else notes.push(`Pipeline execution mode: ${modes.join(", ")}.`);
    const manual = [...group.manualWaits];
    if (ctx.manifest.deployment.manualApproval) manual.push("service.json asks for a manual approval");
    if (manual.length > 0) notes.push(`Human waits, not counted: ${manual.join("; ")}.`);
    return {
      figures,
      notes,
      raw: { templatesDir: synthesized ? "temporary synth" : dir, group, ours, defaults },
      sources: AWS_DEFAULT_SOURCES,
    };
  },
};
