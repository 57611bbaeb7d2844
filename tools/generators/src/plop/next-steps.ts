import { loadRepositoryDeploymentConfig, serviceNames } from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";

export const NEXT_STEPS_ACTION = "next-steps";

/** Prints the commands to run next: the last action, so it shows only when everything before it worked. */
export function registerNextStepsAction(plop: NodePlopAPI): void {
  plop.setActionType(NEXT_STEPS_ACTION, (_answers, config) => {
    const lines = (config as unknown as { lines: () => string[] }).lines();
    return `\n${lines.map((line) => `    ${line}`).join("\n")}`;
  });
}

export function nextStepsAction(lines: () => string[]) {
  return { type: NEXT_STEPS_ACTION, lines };
}

/** Formats "command   what it does" rows with the descriptions aligned. */
export function commandRows(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([command]) => command.length));
  return rows.map(([command, what]) => `${command.padEnd(width)}   ${what}`);
}

/** The service's stack name, as infra names it (with the repository's deployment config's project), if it reads. */
export function serviceStackName(root: string, service: string): string | undefined {
  try {
    const config = loadRepositoryDeploymentConfig(root);
    return serviceNames(config.projectName, service).stack;
  } catch {
    return undefined;
  }
}
