import type { CustomActionConfig, NodePlopAPI } from "node-plop";
import { GeneratorError } from "../errors.ts";
import { restore, snapshot } from "../workspace/file-edits.ts";
import { installSkipped, installWorkspace, SKIP_INSTALL_ENV } from "../workspace/install.ts";

export const INSTALL_ACTION = "pnpm-install";
const LOCKFILE = "pnpm-lock.yaml";

export interface InstallActionConfig extends CustomActionConfig<typeof INSTALL_ACTION> {
  root: string;
  /** Undoes what the generator wrote; the lockfile is restored here. */
  rollback: () => string;
  /** After a successful install: what the rollback could have needed may go now. */
  done?: () => void;
}

/**
 * Runs `pnpm install` so the new or renamed packages are linked and the lockfile updated. If it fails, the
 * generator's changes are undone and pnpm-lock.yaml is put back as it was, so nothing is left half-done.
 */
export function registerInstallAction(plop: NodePlopAPI): void {
  plop.setActionType(INSTALL_ACTION, async (_answers, config) => {
    const { root, rollback, done } = config as InstallActionConfig;
    const lockfile = snapshot(root, [LOCKFILE]);
    try {
      const { command } = await installWorkspace(root);
      done?.();
      return `${command}: linked into the workspace, ${LOCKFILE} updated`;
    } catch (error) {
      const undone = rollback();
      restore(root, lockfile);
      throw new GeneratorError(`${(error as Error).message}\n${undone}; ${LOCKFILE} restored`);
    }
  });
}

/** The action, or a skip notice when PLOP_SKIP_INSTALL is set. */
export function installAction(root: string, rollback: () => string, done?: () => void): InstallActionConfig {
  return {
    type: INSTALL_ACTION,
    root,
    rollback,
    ...(done ? { done } : {}),
    skip: () =>
      installSkipped()
        ? `pnpm install skipped (${SKIP_INSTALL_ENV}): run pnpm install before building or testing`
        : undefined,
  };
}
