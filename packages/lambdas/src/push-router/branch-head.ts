import { type CodeCommitClient, GetBranchCommand } from "@aws-sdk/client-codecommit";

/** The commit the branch points at now, or undefined when the branch no longer exists. */
export async function branchHead(
  client: CodeCommitClient,
  repositoryName: string,
  branchName: string,
): Promise<string | undefined> {
  try {
    const output = await client.send(new GetBranchCommand({ repositoryName, branchName }));
    const commitId = output.branch?.commitId;
    if (!commitId) throw new Error(`GetBranch returned no commit for branch ${branchName} of ${repositoryName}`);
    return commitId;
  } catch (error) {
    if ((error as Error).name === "BranchDoesNotExistException") return undefined;
    throw error;
  }
}
