import { type CodeCommitClient, GetDifferencesCommand } from "@aws-sdk/client-codecommit";

export interface CommitRange {
  repositoryName: string;
  beforeCommitId: string;
  afterCommitId: string;
}

/**
 * Every path a push changed, from all pages of GetDifferences. Both sides of each difference count: a rename
 * or a move out of a folder changes the folder it left as well as the one it entered, and a deletion has only
 * a before side.
 */
export async function changedPaths(client: CodeCommitClient, range: CommitRange): Promise<string[]> {
  const paths = new Set<string>();
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetDifferencesCommand({
        repositoryName: range.repositoryName,
        beforeCommitSpecifier: range.beforeCommitId,
        afterCommitSpecifier: range.afterCommitId,
        NextToken: nextToken,
      }),
    );
    for (const difference of page.differences ?? []) {
      if (difference.beforeBlob?.path) paths.add(difference.beforeBlob.path);
      if (difference.afterBlob?.path) paths.add(difference.afterBlob.path);
    }
    nextToken = page.NextToken || undefined;
    if (nextToken !== undefined) {
      // A token handed out twice would page forever; stop with an error the retry and the logs can show.
      if (seenTokens.has(nextToken)) throw new Error(`GetDifferences returned the NextToken "${nextToken}" twice`);
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return [...paths].sort();
}
