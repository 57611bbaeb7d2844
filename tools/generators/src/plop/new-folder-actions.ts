import { removeFolder } from "../workspace/new-folder.ts";
import { installAction } from "./install-action.ts";
import { nextStepsAction } from "./next-steps.ts";

/**
 * The actions of a generator that adds one folder: create it (the create action records its settings in `run`),
 * link it with pnpm install (the folder removed again if that fails), then print the next steps.
 */
export function newFolderActions<Settings extends { name: string }>(
  root: string,
  createAction: string,
  parent: "apps" | "packages",
  nextSteps: (settings: Settings) => string[],
) {
  const run: { settings?: Settings } = {};
  return [
    { type: createAction, run },
    installAction(root, () => removeFolder(root, `${parent}/${run.settings?.name}`)),
    nextStepsAction(() => nextSteps(run.settings as Settings)),
  ];
}
