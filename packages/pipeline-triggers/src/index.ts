export {
  CODEPIPELINE_TRIGGER_LIMITS,
  type CodePipelinePushFilter,
  codePipelinePushFilters,
  escapeGlobLiteral,
  filePathPatterns,
  TriggerLimitError,
  triggerGlobs,
} from "./push-filters.ts";
export { DEPLOY_STAGE_INPUTS, SHARED_BUILD_INPUTS } from "./shared-build-inputs.ts";
export { matchesTriggerPath, matchingTriggerPaths } from "./trigger-match.ts";
export {
  normalizeTriggerPaths,
  type ServiceTriggerPaths,
  triggerPathsFor,
  triggerPathsForAllServices,
} from "./trigger-paths.ts";
export { readWorkspace, type Workspace, WorkspaceError, type WorkspacePackage } from "./workspace.ts";
export { DEPENDENCY_FIELDS, directWorkspaceDependencies, workspaceClosure } from "./workspace-dependencies.ts";
