import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { awsError, type FakeAwsService, type JsonReply, startFakeAwsService } from "./fake-aws.ts";

export const DUMMY_CREDENTIALS = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" };
export const REGION = "eu-west-1";

export interface Difference {
  before?: string;
  after?: string;
}

export interface FakeCodeCommitOptions {
  repositoryName: string;
  /** "before..after" -> the differences GetDifferences reports between the two commits. */
  diffs: Record<string, Difference[]>;
  /** Differences per page (the real service pages at up to 100 by default). */
  pageSize?: number;
  /** Answer this many GetDifferences calls with ThrottlingException before serving them. */
  throttleFirst?: number;
  /** Branch name -> the commit it points at (GetBranch); a test moves a head by assigning to `branches`. */
  branches?: Record<string, string>;
}

export interface FakeCodeCommit extends FakeAwsService {
  /** The repository's branches, live: GetBranch reads them on every call. */
  branches: Record<string, string>;
}

/**
 * CodeCommit's GetDifferences (paged with NextToken) and GetBranch over JSON 1.1, with the service's errors for
 * bad input.
 */
export async function startFakeCodeCommit(options: FakeCodeCommitOptions): Promise<FakeCodeCommit> {
  let throttlesLeft = options.throttleFirst ?? 0;
  const pageSize = options.pageSize ?? 100;
  const branches = options.branches ?? {};
  const service = await startFakeAwsService("CodeCommit_20150413", {
    GetBranch: (body): JsonReply => {
      if (body.repositoryName !== options.repositoryName) {
        return awsError("RepositoryDoesNotExistException", `${String(body.repositoryName)} does not exist`);
      }
      if (typeof body.branchName !== "string" || body.branchName === "") {
        return awsError("BranchNameRequiredException", "A branch name is required.");
      }
      const commitId = branches[body.branchName];
      if (commitId === undefined) {
        return awsError("BranchDoesNotExistException", `Could not find branch ${body.branchName}.`);
      }
      return { body: { branch: { branchName: body.branchName, commitId } } };
    },
    GetDifferences: (body): JsonReply => {
      if (throttlesLeft > 0) {
        throttlesLeft -= 1;
        return awsError("ThrottlingException", "Rate exceeded");
      }
      if (body.repositoryName !== options.repositoryName) {
        return awsError("RepositoryDoesNotExistException", `${String(body.repositoryName)} does not exist`);
      }
      if (typeof body.afterCommitSpecifier !== "string") {
        return awsError("CommitRequiredException", "afterCommitSpecifier is required");
      }
      const differences = options.diffs[`${String(body.beforeCommitSpecifier)}..${body.afterCommitSpecifier}`];
      if (!differences) return awsError("CommitDoesNotExistException", "no such commit range");
      const start = body.NextToken === undefined ? 0 : Number(String(body.NextToken).replace("page-at-", ""));
      if (!Number.isInteger(start) || start < 0 || start >= differences.length) {
        return awsError("InvalidContinuationTokenException", `bad NextToken ${String(body.NextToken)}`);
      }
      const end = start + pageSize;
      return {
        body: {
          differences: differences.slice(start, end).map((difference) => ({
            ...(difference.before ? { beforeBlob: { blobId: "b0", path: difference.before, mode: "100644" } } : {}),
            ...(difference.after ? { afterBlob: { blobId: "b1", path: difference.after, mode: "100644" } } : {}),
            changeType: difference.before && difference.after ? "M" : difference.before ? "D" : "A",
          })),
          ...(end < differences.length ? { NextToken: `page-at-${end}` } : {}),
        },
      };
    },
  });
  return Object.assign(service, { branches });
}

/**
 * CodePipeline's StartPipelineExecution over JSON 1.1: PipelineNotFoundException for an unknown pipeline,
 * ValidationException for a malformed token or source revision, and idempotency on clientRequestToken.
 * `onStart` runs on every accepted start before it is answered (a test moves a branch head there).
 */
export async function startFakeCodePipeline(
  pipelines: readonly string[],
  onStart: (body: Record<string, unknown>) => void = () => {},
): Promise<FakeAwsService> {
  const executionsByToken = new Map<string, string>();
  return startFakeAwsService("CodePipeline_20150709", {
    StartPipelineExecution: (body): JsonReply => {
      const name = String(body.name);
      if (!pipelines.includes(name)) {
        return awsError(
          "PipelineNotFoundException",
          `The account with id '111122223333' does not include a pipeline with the name '${name}'`,
        );
      }
      const token = body.clientRequestToken;
      if (typeof token !== "string" || !/^[a-zA-Z0-9-]{1,128}$/.test(token)) {
        return awsError("ValidationException", "clientRequestToken must match [a-zA-Z0-9-]{1,128}");
      }
      const revisions = body.sourceRevisions;
      if (
        !Array.isArray(revisions) ||
        revisions.some(
          (revision) =>
            !revision.actionName ||
            !["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"].includes(revision.revisionType) ||
            !revision.revisionValue,
        )
      ) {
        return awsError("ValidationException", "sourceRevisions is malformed");
      }
      onStart(body);
      const key = `${name}/${token}`;
      const executionId = executionsByToken.get(key) ?? `exec-${executionsByToken.size + 1}`;
      executionsByToken.set(key, executionId);
      return { body: { pipelineExecutionId: executionId } };
    },
  });
}

export function codeCommitClient(endpoint: string): CodeCommitClient {
  return new CodeCommitClient({ endpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
}

export function codePipelineClient(endpoint: string): CodePipelineClient {
  return new CodePipelineClient({ endpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
}
