export { serviceManifestJsonSchema, serviceManifestJsonSchemaText } from "./json-schema.ts";
export {
  type DiscoveredService,
  discoverServices,
  FileProblemsError,
  formatIssues,
  loadServiceManifest,
  ManifestError,
  parseServiceManifest,
  readJsonFile,
} from "./load.ts";
export {
  CODEBUILD_IMAGE,
  CODEBUILD_IMAGE_NODE_MAJORS,
  esbuildNodeTarget,
  lambdaNodeRuntimeName,
  NODE_VERSION_FILE,
  nodeMajor,
  OLDEST_SUPPORTED_NODE_MAJOR,
  workspaceRoot,
} from "./node-runtime.ts";
export {
  FARGATE_MEMORY_BY_CPU,
  MAX_SERVICE_NAME_LENGTH,
  RESERVED_SERVICE_NAMES,
  type ServiceManifest,
  type ServiceManifestInput,
  serviceManifestSchema,
  shutdownGraceMs,
} from "./schema.ts";
