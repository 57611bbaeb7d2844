import { createHash } from "node:crypto";
import { type CodePipelineClient, StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";

export interface StartRequest {
  commitId: string;
  sourceActionName: string;
}

export type StartOutcome =
  | { pipeline: string; started: true; executionId: string | undefined }
  | { pipeline: string; started: false; error: string };

/**
 * The idempotency token for one pipeline at one commit: an EventBridge or Lambda retry of the same push sends the
 * same token, so CodePipeline does not queue a second execution. (Allowed: 1-128 of [a-zA-Z0-9-].)
 */
export function executionToken(pipeline: string, commitId: string): string {
  return createHash("sha256").update(`${pipeline}\n${commitId}`).digest("hex");
}

/**
 * Starts each pipeline at the pushed commit, all at once. A failure does not stop the others: every outcome is
 * returned, and the caller decides what a failure means.
 */
export async function startPipelines(
  client: CodePipelineClient,
  pipelines: readonly string[],
  request: StartRequest,
): Promise<StartOutcome[]> {
  return Promise.all(
    pipelines.map(async (pipeline): Promise<StartOutcome> => {
      try {
        const output = await client.send(
          new StartPipelineExecutionCommand({
            name: pipeline,
            clientRequestToken: executionToken(pipeline, request.commitId),
            sourceRevisions: [
              { actionName: request.sourceActionName, revisionType: "COMMIT_ID", revisionValue: request.commitId },
            ],
          }),
        );
        return { pipeline, started: true, executionId: output.pipelineExecutionId };
      } catch (error) {
        const { name, message } = error as Error;
        return { pipeline, started: false, error: `${name}: ${message}` };
      }
    }),
  );
}
