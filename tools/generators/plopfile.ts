// The generators behind `pnpm plop` (see src/cli.ts and README.md). Loaded by plop, or by node-plop in tests.
import { workspaceRoot } from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";
import { registerInitGenerator } from "./src/generators/init.ts";
import { registerPackageGenerator } from "./src/generators/package.ts";
import { registerServiceGenerator } from "./src/generators/service.ts";
import { registerInstallAction } from "./src/plop/install-action.ts";
import { isInteractive } from "./src/plop/interactive.ts";
import { registerNextStepsAction } from "./src/plop/next-steps.ts";

export default function plopfile(plop: NodePlopAPI): void {
  // The workspace the generators write into: above plop's destination (this folder, unless --dest says otherwise).
  const root = workspaceRoot(plop.getDestBasePath());
  const interactive = isInteractive();
  plop.setWelcomeMessage("What do you want to create?");
  registerInstallAction(plop);
  registerNextStepsAction(plop);
  registerServiceGenerator(plop, root, interactive);
  registerPackageGenerator(plop, root, interactive);
  registerInitGenerator(plop, root, interactive);
}
