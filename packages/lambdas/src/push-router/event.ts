/** Reads an EventBridge "CodeCommit Repository State Change" event into what the router has to decide on. */

export const CODECOMMIT_EVENT_SOURCE = "aws.codecommit";
export const CODECOMMIT_STATE_CHANGE = "CodeCommit Repository State Change";

export type BranchChange =
  /** The branch moved from oldCommitId to commitId: compare the two. */
  | { kind: "updated"; eventId: string; commitId: string; oldCommitId: string }
  /** The branch was created (first push, or a new branch): there is no previous commit to compare with. */
  | { kind: "created"; eventId: string; commitId: string }
  /** The branch was deleted: there is nothing to build. */
  | { kind: "deleted"; oldCommitId?: string }
  /** Not a change of the configured branch of the configured repository, or not readable. */
  | { kind: "ignored"; reason: string };

export interface EventScope {
  repositoryName: string;
  branch: string;
}

// Git object names: SHA-1 (40 hex digits) today, SHA-256 (64) in repositories that use it.
const COMMIT_ID = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

export function readBranchChange(event: unknown, scope: EventScope): BranchChange {
  if (!isRecord(event)) return ignored("the event is not a JSON object");
  if (event.source !== CODECOMMIT_EVENT_SOURCE || event["detail-type"] !== CODECOMMIT_STATE_CHANGE) {
    return ignored(
      `not a ${CODECOMMIT_STATE_CHANGE} event (source ${String(event.source)}, detail-type ${String(event["detail-type"])})`,
    );
  }
  const detail = event.detail;
  if (!isRecord(detail)) return ignored("the event has no detail object");
  if (detail.repositoryName !== scope.repositoryName) {
    return ignored(`repository ${String(detail.repositoryName)} is not ${scope.repositoryName}`);
  }
  if (detail.referenceType !== "branch") {
    return ignored(`reference type ${String(detail.referenceType)} is not a branch (tags do not start pipelines)`);
  }
  if (detail.referenceName !== scope.branch) {
    return ignored(`branch ${String(detail.referenceName)} is not ${scope.branch}`);
  }
  // EventBridge gives every event an id that its own delivery retries and Lambda's asynchronous retries keep, and
  // that the next push does not share: the idempotency tokens of the starts are derived from it.
  const eventId = typeof event.id === "string" && event.id.trim() !== "" ? event.id : undefined;
  switch (detail.event) {
    case "referenceUpdated": {
      if (!isCommitId(detail.commitId)) return ignored("referenceUpdated without a valid commitId");
      if (!isCommitId(detail.oldCommitId)) return ignored("referenceUpdated without a valid oldCommitId");
      if (!eventId) return ignored("referenceUpdated without an event id");
      return { kind: "updated", eventId, commitId: detail.commitId, oldCommitId: detail.oldCommitId };
    }
    case "referenceCreated": {
      if (!isCommitId(detail.commitId)) return ignored("referenceCreated without a valid commitId");
      if (!eventId) return ignored("referenceCreated without an event id");
      return { kind: "created", eventId, commitId: detail.commitId };
    }
    case "referenceDeleted":
      return isCommitId(detail.oldCommitId)
        ? { kind: "deleted", oldCommitId: detail.oldCommitId }
        : { kind: "deleted" };
    default:
      return ignored(`event ${String(detail.event)} is not a branch push`);
  }
}

function isCommitId(value: unknown): value is string {
  return typeof value === "string" && COMMIT_ID.test(value);
}

function ignored(reason: string): BranchChange {
  return { kind: "ignored", reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
