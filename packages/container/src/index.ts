// The container engines (Docker when a daemon answers, buildah otherwise) behind one interface: build, inspect, run,
// stop, push; and what the container test, the local rehearsal and the bench measure with them: image sizes, a free
// loopback port, an HTTP probe, a Dockerfile's ARG defaults, registry references.
export { argDefault, argInstructions } from "./dockerfile.ts";
export {
  chooseEngine,
  commandProbes,
  createEngine,
  detectEngine,
  ENGINE_CHOICES,
  type EngineChoice,
  type EngineProbes,
  engineChoice,
} from "./engines/detect.ts";
export { isLoopbackRegistry, registryHost } from "./engines/registry-ref.ts";
export type * from "./engines/types.ts";
export { freePort } from "./free-port.ts";
export { HealthCheckFailed, probe, waitForHealthy } from "./health.ts";
export { formatBytes, type ImageSizes, splitImageSize } from "./sizes.ts";
