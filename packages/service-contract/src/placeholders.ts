// Placeholders that travel between the Build stage and the Deploy stage. Distinct values, distinct names.

/** The image in taskdef.json: CodeDeploy (and the native deploy step) replace it with imageDetail.json's ImageURI. */
export const TASKDEF_IMAGE_PLACEHOLDER = "<IMAGE1_NAME>";

/**
 * The name CodePipeline's CodeDeployToECS action is given for that placeholder (`Image1ContainerName`): the text
 * between the angle brackets.
 */
export const PIPELINE_IMAGE_PLACEHOLDER_NAME = TASKDEF_IMAGE_PLACEHOLDER.slice(1, -1);

/** In appspec.yaml: CodeDeploy writes the ARN of the revision it registers from taskdef.json there. */
export const APPSPEC_TASK_DEFINITION_PLACEHOLDER = "<TASK_DEFINITION>";
