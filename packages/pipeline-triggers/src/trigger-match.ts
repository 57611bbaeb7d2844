/**
 * True when a changed file (repository-relative, forward slashes) falls under a trigger path: inside a folder
 * (trigger path ending with "/") or equal to the file. Kept free of imports: the push router Lambda (@repo/lambdas)
 * bundles it through the "./trigger-match" export.
 */
export function matchesTriggerPath(changedPath: string, triggerPath: string): boolean {
  return triggerPath.endsWith("/") ? changedPath.startsWith(triggerPath) : changedPath === triggerPath;
}

/** The trigger paths a changed file falls under. */
export function matchingTriggerPaths(changedPath: string, triggerPaths: readonly string[]): string[] {
  return triggerPaths.filter((triggerPath) => matchesTriggerPath(changedPath, triggerPath));
}
