import {
  defaultPathPrefix,
  discoverServices,
  type LoadBalancerMode,
  sharedLoadBalancerIndex,
} from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";
import { given, listBypass, question, withBypass } from "../plop/interactive.ts";
import { newFolderActions } from "../plop/new-folder-actions.ts";
import { commandRows, serviceStackName } from "../plop/next-steps.ts";
import { deriveService, readTemplateFiles } from "../service/derive.ts";
import {
  chosenEngine,
  chosenLoadBalancer,
  engineChoices,
  engineProblem,
  healthCheckPathProblem,
  loadBalancerChoices,
  loadBalancerProblem,
  nameProblem,
  nextFreePort,
  portProblem,
  resolveServiceSettings,
  routeProblem,
  type ServiceAnswers,
  type ServiceSettings,
  servicePackageName,
  sizeChoices,
  sizeProblem,
  sizeValue,
  strategyChoices,
  strategyProblem,
  TEMPLATE_DIR,
  templateManifest,
} from "../service/settings.ts";
import { installSkipped } from "../workspace/install.ts";
import { createFolder } from "../workspace/new-folder.ts";

export const CREATE_SERVICE_ACTION = "create-service";

interface Run {
  settings?: ServiceSettings;
}

/** `pnpm plop service [name] [port] [healthCheckPath] [size] [deployment] [engine] [loadBalancer] [route]` */
export function registerServiceGenerator(plop: NodePlopAPI, root: string, interactive: boolean): void {
  // Plop cannot take a conditional prompt's answer from the command line, so every question is asked in a terminal;
  // those that do not apply to the chosen engine say so and default to what it needs.
  const engineOf = (answers: ServiceAnswers = {}) => chosenEngine(answers, templateManifest(root));
  const modeOf = (answers: ServiceAnswers = {}) => chosenLoadBalancer(answers, engineOf(answers)) as LoadBalancerMode;
  const codeDeployChosen = (answers: ServiceAnswers = {}) =>
    given(answers.engine) && engineOf(answers) === "codedeploy";
  plop.setActionType(CREATE_SERVICE_ACTION, async (answers, config) => {
    const run = (config as unknown as { run: Run }).run;
    const settings = resolveServiceSettings(answers as ServiceAnswers, root);
    const files = deriveService(
      readTemplateFiles(root),
      templateManifest(root),
      settings,
      servicePackageName(root, settings.name),
    );
    createFolder(root, `apps/${settings.name}`, files);
    run.settings = settings;
    const list = files.map((file) => `      ${file.path}`).join("\n");
    return `apps/${settings.name}/ (${files.length} files from ${TEMPLATE_DIR}, ${deployedBy(settings)}):\n${list}`;
  });

  plop.setGenerator("service", {
    description: `a new service in apps/<name>, derived from ${TEMPLATE_DIR}`,
    prompts: [
      question(
        {
          name: "name",
          message: "Service name (lowercase kebab-case; the folder, the package and its AWS resources' prefix)",
          problem: (value) => nameProblem(value, root),
        },
        interactive,
      ),
      question(
        {
          name: "port",
          message: "Container port (each service has its own, so all can run locally at once)",
          default: () => String(nextFreePort(discoverServices(root), templateManifest(root).port)),
          problem: (value) => portProblem(value, root),
        },
        interactive,
      ),
      question(
        {
          name: "healthCheckPath",
          message: "Health check path (the load balancer probes it; the app answers it)",
          default: () => templateManifest(root).healthCheckPath,
          problem: healthCheckPathProblem,
        },
        interactive,
      ),
      withBypass(
        {
          type: "list",
          name: "size",
          message: "Task size",
          when: interactive,
          choices: sizeChoices(),
          default: () => {
            const template = templateManifest(root);
            return sizeValue(template.cpu, template.memory);
          },
          pageSize: 12,
        },
        listBypass(sizeProblem),
      ),
      withBypass(
        {
          type: "list",
          name: "deployment",
          message: "How traffic moves to a new version",
          when: interactive,
          choices: strategyChoices(),
          default: () => templateManifest(root).deployment.strategy,
        },
        listBypass(strategyProblem),
      ),
      withBypass(
        {
          type: "list",
          name: "engine",
          message: "Deployment engine, which a deployed service cannot change in place",
          when: interactive,
          choices: engineChoices(),
          default: () => engineOf() as string,
        },
        listBypass(engineProblem),
      ),
      withBypass(
        {
          type: "list",
          name: "loadBalancer",
          message: (answers: ServiceAnswers) =>
            codeDeployChosen(answers)
              ? "Load balancer: codedeploy always has its own (dedicated): press Enter"
              : "Load balancer (engine ecs; codedeploy always has its own)",
          when: interactive,
          choices: loadBalancerChoices(),
          default: (answers: ServiceAnswers) => modeOf({ engine: answers.engine }),
        },
        listBypass(loadBalancerProblem),
      ),
      question<ServiceAnswers>(
        {
          name: "route",
          message: (answers) =>
            codeDeployChosen(answers)
              ? "Route: none for codedeploy (its load balancer sends it every request): press Enter"
              : 'Route (engine ecs): a path prefix (requests arrive without it), host names, or both, comma-separated; "/" is every path',
          default: (answers) =>
            engineOf(answers) === "ecs" ? defaultPathPrefix(String(answers.name), modeOf(answers), []) : undefined,
          // Against the engine only once it is known (in a terminal it may be asked after a route given here).
          problem: (value, answers = {}) =>
            given(answers.engine) ? routeProblem(value, engineOf(answers), modeOf(answers)) : routeProblem(value),
        },
        interactive,
      ),
    ],
    actions: () =>
      newFolderActions<ServiceSettings>(root, CREATE_SERVICE_ACTION, "apps", (settings) => nextSteps(root, settings)),
  });
}

/** "engine ecs, route /orders at priority 3 on shared load balancer 0" */
function deployedBy(settings: ServiceSettings): string {
  if (settings.engine === "codedeploy") return "engine codedeploy on a load balancer of its own";
  const route =
    [settings.route?.pathPrefix, ...(settings.route?.hosts ?? [])].filter(Boolean).join(", ") || "every path";
  const priority = settings.route?.priority;
  return priority === undefined
    ? `engine ecs on a load balancer of its own, route ${route}`
    : `engine ecs, route ${route} at priority ${priority} on shared load balancer ${sharedLoadBalancerIndex(priority)}`;
}

function nextSteps(root: string, settings: ServiceSettings): string[] {
  const pkg = servicePackageName(root, settings.name);
  const stack = serviceStackName(root, settings.name);
  return [
    "Next:",
    ...commandRows([
      ...(installSkipped() ? [["pnpm install", "link the new package (skipped)"] as const] : []),
      [`pnpm --filter ${pkg} dev`, `run it on http://localhost:${settings.port}`],
      [`pnpm --filter ${pkg} test`, "its tests"],
      ["pnpm test", "every test, type check and lint"],
      ["pnpm synth", stack ? `its stack ${stack} appears in infra/cdk.out` : "synthesize infra"],
      [`git add apps/${settings.name} pnpm-lock.yaml`, "then commit and push"],
      [
        "pnpm turbo deploy",
        "once, with AWS credentials: creates its stack and pipeline; pushes deploy it from then on",
      ],
    ]),
  ];
}
