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
  FARGATE_MEMORY_BY_CPU,
  MAX_SERVICE_NAME_LENGTH,
  RESERVED_SERVICE_NAMES,
  type ServiceManifest,
  type ServiceManifestInput,
  serviceManifestSchema,
  shutdownGraceMs,
} from "./schema.ts";
