import { createHash } from "node:crypto";
import { type CodePipelineClient, StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";

export interface StartRequest {
  /** The EventBridge event of the push (its `id`): what makes two pushes of the same commit two starts. */
  eventId: string;
  /** The commit every pipeline starts at. */
  commitId: string;
  sourceActionName: string;
}

export type StartOutcome =
  | { pipeline: string; started: true; executionId: string | undefined }
  | { pipeline: string; started: false; error: string };

/**
 * StartPipelineExecution's idempotency token for one pipeline, one push and one commit. The push is its EventBridge
 * event id, which stays the same on EventBridge's delivery retries and on Lambda's asynchronous retries, so a retry
 * does not queue a second execution; a later push of the same commit (a rollback by force-push) is another event
 * and therefore another execution. The commit is part of it because a retry may start at a newer branch head, which
 * is another execution too. A SHA-256 in hex: 64 characters, within the API's 1-128 of [a-zA-Z0-9-].
 */
export function executionToken(pipeline: string, eventId: string, commitId: string): string {
  return createHash("sha256").update(`${pipeline}\n${eventId}\n${commitId}`).digest("hex");
}

/**
 * Starts each pipeline at the commit, all at once. A failure does not stop the others: every outcome is returned,
 * and the caller decides what a failure means.
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
            clientRequestToken: executionToken(pipeline, request.eventId, request.commitId),
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
