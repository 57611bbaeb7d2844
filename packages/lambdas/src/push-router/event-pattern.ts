import { CODECOMMIT_EVENT_SOURCE, CODECOMMIT_STATE_CHANGE } from "./event.ts";

/**
 * The EventBridge rule pattern that sends the branch's pushes to the router, in aws-cdk-lib's
 * `events.EventPattern` shape (`detailType` is written "detail-type" in the JSON pattern). The router checks the
 * same conditions again, so a broader rule would only cost invocations.
 */
export function codeCommitPushEventPattern(repositoryArn: string, branch: string) {
  return {
    source: [CODECOMMIT_EVENT_SOURCE],
    detailType: [CODECOMMIT_STATE_CHANGE],
    resources: [repositoryArn],
    detail: {
      event: ["referenceCreated", "referenceUpdated", "referenceDeleted"],
      referenceType: ["branch"],
      referenceName: [branch],
    },
  };
}
