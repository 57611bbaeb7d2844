// The rehearsal as a library: run buildspec.yml's phases the way CodeBuild does, and the pieces around it.
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
