// The container tooling as a library: the engine layer (build, run, inspect, push) for the local rehearsal,
// and the container test itself.
export {
  ContainerTestFailure,
  type ContainerTestOptions,
  type ContainerTestResult,
  runContainerTest,
} from "./container-test.ts";
export { argDefault, argInstructions } from "./dockerfile.ts";
export {
  chooseEngine,
  commandProbes,
  createEngine,
  detectEngine,
  type EngineChoice,
  type EngineProbes,
} from "./engines/detect.ts";
export { isLoopbackRegistry, registryHost } from "./engines/registry-ref.ts";
export type * from "./engines/types.ts";
export { freePort } from "./free-port.ts";
export { probe } from "./health.ts";
export { formatBytes, splitImageSize } from "./sizes.ts";
export { findRepoRoot, workspaceToolVersions } from "./workspace.ts";
