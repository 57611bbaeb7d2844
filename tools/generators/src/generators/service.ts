import { discoverServices } from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";
import { installAction } from "../plop/install-action.ts";
import { listBypass, question, withBypass } from "../plop/interactive.ts";
import { commandRows, nextStepsAction, serviceStackName } from "../plop/next-steps.ts";
import { deriveService, readTemplateFiles } from "../service/derive.ts";
import {
  healthCheckPathProblem,
  nameProblem,
  nextFreePort,
  portProblem,
  resolveServiceSettings,
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
import { createFolder, removeFolder } from "../workspace/new-folder.ts";

export const CREATE_SERVICE_ACTION = "create-service";

interface Run {
  settings?: ServiceSettings;
}

/** `pnpm plop service [name] [port] [healthCheckPath] [size] [deployment]` */
export function registerServiceGenerator(plop: NodePlopAPI, root: string, interactive: boolean): void {
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
    return `apps/${settings.name}/ (${files.length} files from ${TEMPLATE_DIR}):\n${list}`;
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
          message: "How CodeDeploy moves traffic to a new version",
          when: interactive,
          choices: strategyChoices(),
          default: () => templateManifest(root).deployment.strategy,
        },
        listBypass(strategyProblem),
      ),
    ],
    actions: () => {
      const run: Run = {};
      return [
        { type: CREATE_SERVICE_ACTION, run },
        installAction(root, () => removeFolder(root, `apps/${run.settings?.name}`)),
        nextStepsAction(() => nextSteps(root, run.settings as ServiceSettings)),
      ];
    },
  });
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
