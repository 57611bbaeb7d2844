export { renderAppSpec, TASK_DEFINITION_PLACEHOLDER } from "./appspec.ts";
export {
  type CreateTaskDefContext,
  type CreateTaskDefResult,
  createNewTaskDef,
  OUTPUT_FILES,
  type RenderedArtifacts,
  renderArtifacts,
} from "./create.ts";
export {
  AwsError,
  CreateTaskDefError,
  EXIT_CODES,
  type FailureKind,
  OutputError,
  UsageError,
  ValidationError,
} from "./errors.ts";
export { HOOK_EVENTS, type HookEvent, type HookFunctions, hookEnvName } from "./hooks.ts";
export {
  deployableImageUri,
  IMAGE_PLACEHOLDER,
  type ImageReference,
  parseImageReference,
  renderImageDetail,
} from "./image.ts";
export { main, VERSION } from "./main.ts";
export {
  CLI_FLAGS,
  type CreateTaskDefOptions,
  DEFAULT_APPSPEC,
  DEFAULT_OUT,
  ENV_FALLBACKS,
  type Env,
  type Mode,
  parseCommandLine,
} from "./options.ts";
export { checkRegisterInput, readOnlyTaskDefinitionMembers, registerInputMembers } from "./register-schema.ts";
export {
  createEcsClient,
  describeTaskDefinition,
  type RegisteredTaskDefinition,
  toRegistrationInput,
} from "./registered.ts";
export { renderTaskDefinitionTemplate, templateVariables } from "./template.ts";
export { validateTaskDefinition } from "./validate.ts";
export { writeFilesAtomically } from "./write-artifacts.ts";
