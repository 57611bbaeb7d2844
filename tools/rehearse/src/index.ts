// The rehearsal as a library: run buildspec.yml's phases the way CodeBuild does, play the Deploy stage, and the pieces around them.
export { collectArtifacts, globToRegExp, replaceFolder } from "./artifacts.ts";
export { type BuildEvent, type BuildOutcome, type BuildRunOptions, runBuildspec } from "./build-runner.ts";
export {
  type Buildspec,
  BuildspecError,
  commandTitle,
  PHASE_NAMES,
  type PhaseName,
  parseBuildspec,
} from "./buildspec.ts";
export { BREAKS, type Break, DEPLOY_EXIT, type DeployResult, playDeployment } from "./deploy/deployment.ts";
export { type DeployPlan, planDeployment } from "./deploy/plan.ts";
export { type DeployRehearsal, rehearseDeploy } from "./deploy/rehearse-deploy.ts";
export { containerLauncher, type TaskLauncher } from "./deploy/task-set.ts";
export { imageEnvironment, projectEnvironment, rehearsedServiceNames } from "./project-env.ts";
export {
  manifestDigest,
  registryConfig,
  startLocalRegistry,
  useExistingRegistry,
  waitForRegistry,
} from "./registry.ts";
export { BuildFailure, type RehearsalRequest, type RehearsalResult, rehearse } from "./rehearsal.ts";
export { sourceVersion } from "./source-version.ts";
export { verifyArtifacts } from "./verify.ts";
