import {
  loadRepositoryDeploymentConfig,
  projectNames,
  SERVICES_PER_SHARED_LOAD_BALANCER,
  serviceNames,
} from "@repo/service-contract";
import type { BenchPart } from "../context.ts";
import { costModel, inventory, monthlyCost, PRICE_SOURCES } from "../cost-model.ts";
import type { Template } from "../deploy-floor.ts";
import { type Figure, figure } from "../model.ts";
import { round } from "../stats.ts";
import { synthesizedTemplates } from "../synthesized.ts";

export const SERVICE_COUNTS = [1, 5, 20, 50, 100] as const;
const DEDICATED_LABEL = "a load balancer per service";

function templateOf(templates: ReadonlyMap<string, Template>, stack: string): Template {
  const found = templates.get(`${stack}.template.json`);
  if (!found)
    throw new Error(`no ${stack}.template.json among the synthesized templates (${[...templates.keys()].join(", ")})`);
  return found;
}

export const costPart: BenchPart = {
  id: "cost",
  number: "8",
  title: "Monthly cost of N services before traffic: shared load balancer vs one per service",
  async run(ctx) {
    const { templates } = await synthesizedTemplates(ctx);
    const { projectName } = loadRepositoryDeploymentConfig(ctx.repoRoot);
    const shared = inventory(templateOf(templates, projectNames(projectName).sharedStack));
    const service = inventory(templateOf(templates, serviceNames(projectName, ctx.options.service).stack));
    const model = costModel(shared, service);
    const usd = (value: number) => round(value, 2);
    const row = (name: string, shared: number, dedicated: number, detail?: string): Figure =>
      figure({
        name,
        unit: "USD/month",
        value: usd(shared),
        baseline: usd(dedicated),
        baselineLabel: DEDICATED_LABEL,
        better: "lower",
        ...(detail ? { detail } : {}),
      });
    const figures = SERVICE_COUNTS.map((n) =>
      row(
        `${n} service${n === 1 ? "" : "s"} on the shared load balancer (ECS engine)`,
        monthlyCost(model, n, "shared"),
        monthlyCost(model, n, "dedicated"),
      ),
    );
    figures.push(
      row(
        "each further service",
        model.serviceMonth,
        model.serviceMonth + model.loadBalancerMonth,
        `plus one load balancer, ${usd(model.loadBalancerMonth)} USD, per ${SERVICES_PER_SHARED_LOAD_BALANCER} services`,
      ),
    );
    const tasks = service.tasks
      .map((task) => `${task.count} × ${task.vcpu} vCPU / ${task.memoryGb} GB ${task.architecture}`)
      .join(", ");
    return {
      figures,
      notes: [
        `From the synthesized templates (${ctx.options.service} as every service; ${tasks} at minimum capacity, ` +
          `${service.alarmMetrics} alarm metrics; the shared stack: ${shared.natGateways} NAT gateway(s), ` +
          `${shared.kmsKeys} KMS key(s)) and us-east-1 list prices (Sources). CodeDeploy services always have a ` +
          "load balancer each; ECS-engine services share one by default (loadBalancer: shared). Before traffic: " +
          "LCUs, NAT data, logs, Container Insights, builds (CodeBuild, CodePipeline action-minutes), storage and " +
          "the extra tasks during a deployment come on top.",
      ],
      raw: { shared, service, model },
      sources: PRICE_SOURCES,
    };
  },
};
