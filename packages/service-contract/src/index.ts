// @repo/service-contract: every fact about a service and its deployment, once. infra, the Build stage's tools, the
// rehearsal, the generators and the services import it; nothing re-types what is here.
export {
  BUILD_VARIABLES,
  type BuildStageInput,
  buildStageVariables,
} from "./build-stage.ts";
export {
  CONTAINER_USER,
  containerEnvironment,
  LOAD_BALANCER_IDLE_TIMEOUT_SECONDS,
  PLATFORM_ENVIRONMENT,
  PLATFORM_ENVIRONMENT_NAMES,
  shutdownGraceMs,
} from "./container.ts";
export { DEPLOY_VARIABLES, type DeployStageInput, deployStageVariables } from "./deploy-stage.ts";
export {
  COMPLIANCE_LEVELS,
  CONTROL_TOWER_MIN_LOG_RETENTION_DAYS,
  CONTROL_TOWER_REQUIRED_FIELDS,
  type ComplianceLevel,
  DEFAULT_LOG_RETENTION_DAYS,
} from "./deployment-config/compliance.ts";
export {
  type DeploymentEnvironment,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  resolveEnvironment,
} from "./deployment-config/environment.ts";
export {
  DEPLOYMENT_CONFIG_FILE,
  DeploymentConfigError,
  loadDeploymentConfig,
  loadRepositoryDeploymentConfig,
  parseDeploymentConfig,
} from "./deployment-config/load.ts";
export {
  BUILD_COMPUTE_TYPES,
  type BuildComputeType,
  type CodeCommitSourceConfig,
  type CodeConnectionsSourceConfig,
  type DeploymentConfig,
  type DeploymentConfigInput,
  deploymentConfigSchema,
  type ExistingVpcConfig,
  LOG_RETENTION_DAYS,
  MAX_PROJECT_NAME_LENGTH,
  NEW_VPC_SUBNET_MASKS,
  type NetworkConfig,
  type NewVpcConfig,
  type SourceConfig,
} from "./deployment-config/schema.ts";
export {
  defaultLoadBalancerMode,
  defaultPathPrefix,
  deploymentEngine,
  type EcsDeploymentConfiguration,
  ecsDeploymentConfiguration,
  ecsTiming,
  loadBalancerMode,
  MAX_RULE_CONDITION_VALUES,
  pathPatterns,
  routeConditionValues,
  SERVICES_PER_SHARED_LOAD_BALANCER,
  type ServiceRoute,
  serviceRoute,
  sharedLoadBalancerIndex,
  type TrafficStrategy,
} from "./deployment-engine.ts";
export { FileProblemsError, formatIssues, readJsonFile } from "./files.ts";
export { JSON_SCHEMA_FILES, type JsonSchemaFile, jsonSchemaText } from "./json-schema.ts";
export {
  type DiscoveredService,
  discoverServices,
  loadServiceManifest,
  ManifestError,
  parseServiceManifest,
} from "./manifest/load.ts";
export {
  DEPLOYMENT_ENGINES,
  type DeploymentEngine,
  ECS_MAX_WAIT_MINUTES,
  ECS_MIN_LINEAR_PERCENT,
  FARGATE_MEMORY_BY_CPU,
  LOAD_BALANCER_MODES,
  type LoadBalancerMode,
  MAX_RULE_PRIORITY,
  MAX_SERVICE_NAME_LENGTH,
  RESERVED_SERVICE_NAMES,
  type ServiceManifest,
  type ServiceManifestInput,
  serviceManifestSchema,
} from "./manifest/schema.ts";
export {
  CODEDEPLOY_HOOK_PREFIX,
  codeBuildLogGroup,
  MAX_FUNCTION_NAME_LENGTH,
  type ProjectNames,
  projectNames,
  type ServiceNames,
  SOURCE_ACTION_NAME,
  serviceNames,
} from "./names.ts";
export { isKebabCase, KEBAB_CASE, KEBAB_CASE_RULE, kebabCaseProblem } from "./naming.ts";
export {
  CODEBUILD_IMAGE,
  CODEBUILD_IMAGE_NODE_MAJORS,
  esbuildNodeTarget,
  lambdaNodeRuntimeName,
  NODE_VERSION_FILE,
  nodeMajor,
  OLDEST_SUPPORTED_NODE_MAJOR,
  SUPPORTED_NODE_ENGINES,
  workspaceRoot,
} from "./node-runtime.ts";
export {
  APPSPEC_TASK_DEFINITION_PLACEHOLDER,
  PIPELINE_IMAGE_PLACEHOLDER_NAME,
  TASKDEF_IMAGE_PLACEHOLDER,
} from "./placeholders.ts";
export {
  CONTAINER_SETTINGS,
  type KeyValuePair,
  type SecretReference,
  TASK_PLATFORM,
  type TaskDefinitionRefs,
  type TaskDefinitionValues,
  TEMPLATE_VARIABLES,
  taskDefinitionDocument,
  taskDefinitionTemplate,
  taskDefinitionTemplateText,
  taskDefinitionTemplateVariables,
  taskDefinitionValues,
} from "./task-definition.ts";
