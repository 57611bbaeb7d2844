import type { NodePlopAPI } from "node-plop";
import { renderPackage } from "../package/render.ts";
import {
  DEFAULT_DESCRIPTION,
  descriptionProblem,
  type PackageAnswers,
  type PackageSettings,
  packageNameProblem,
  resolvePackageSettings,
} from "../package/settings.ts";
import { question } from "../plop/interactive.ts";
import { newFolderActions } from "../plop/new-folder-actions.ts";
import { commandRows } from "../plop/next-steps.ts";
import { formatFiles } from "../workspace/format.ts";
import { installSkipped } from "../workspace/install.ts";
import { createFolder } from "../workspace/new-folder.ts";

export const CREATE_PACKAGE_ACTION = "create-package";

interface Run {
  settings?: PackageSettings;
}

/** `pnpm plop package [name] [description]` */
export function registerPackageGenerator(plop: NodePlopAPI, root: string, interactive: boolean): void {
  plop.setHelper("json", (value: unknown) => JSON.stringify(value));

  plop.setActionType(CREATE_PACKAGE_ACTION, async (answers, config) => {
    const run = (config as unknown as { run: Run }).run;
    const settings = resolvePackageSettings(answers as PackageAnswers, root);
    const files = renderPackage(settings, (template, data) => plop.renderString(template, data));
    createFolder(root, `packages/${settings.name}`, files, (staging) => formatFiles(root, [staging]));
    run.settings = settings;
    return `packages/${settings.name}/ (${settings.packageName}):\n${files.map((file) => `      ${file.path}`).join("\n")}`;
  });

  plop.setGenerator("package", {
    description: "a shared internal package in packages/<name> that services can depend on",
    prompts: [
      question(
        {
          name: "name",
          message: "Package name (lowercase kebab-case; the folder under packages/)",
          problem: (value) => packageNameProblem(value, root),
        },
        interactive,
      ),
      question(
        {
          name: "description",
          message: "One-line description",
          default: DEFAULT_DESCRIPTION,
          problem: descriptionProblem,
        },
        interactive,
      ),
    ],
    actions: () =>
      newFolderActions<PackageSettings>(root, CREATE_PACKAGE_ACTION, "packages", ({ name, packageName }) => [
        "Next:",
        ...commandRows([
          ...(installSkipped() ? [["pnpm install", "link the new package (skipped)"] as const] : []),
          [`pnpm --filter ${packageName} test`, "its tests"],
          [`"${packageName}": "workspace:*"`, "add to a service's dependencies, then pnpm install"],
          [`git add packages/${name} pnpm-lock.yaml`, "then commit and push"],
        ]),
      ]),
  });
}
