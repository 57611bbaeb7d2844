// The Build stage's artifacts for a repository without building its image: create-new-task-def's template mode, with
// the project environment the build rehearsal gives it and the buildspec's own command line.
import { createNewTaskDef, parseCommandLine } from "@repo/create-new-task-def";
import { projectEnvironment, rehearsedServiceNames } from "../../src/project-env.ts";
import { rehearsedService } from "../../src/rehearsed-service.ts";

/** A digest no image has: the tests' tasks are processes, the image is never pulled. */
export const TEST_DIGEST = `sha256:${"0".repeat(64)}`;

export async function renderArtifacts(repoRoot: string, service: string, outDir: string): Promise<void> {
  const found = rehearsedService(repoRoot, service);
  const names = rehearsedServiceNames(repoRoot, service);
  const env = projectEnvironment({
    service: found,
    names,
    registry: "127.0.0.1:5000",
    commit: "0123456789abcdef0123456789abcdef01234567",
    sourceDir: repoRoot,
    region: "us-east-1",
    buildId: `${names.buildProject}:test`,
    nodeImage: undefined,
  });
  const invocation = parseCommandLine(
    [
      "--family",
      names.taskFamily,
      "--container",
      names.container,
      "--image",
      `127.0.0.1:5000/${service}:0123456`,
      "--digest",
      TEST_DIGEST,
      "--appspec",
      "appspec.yaml",
      "--out",
      outDir,
    ],
    env,
  );
  if (invocation.action !== "run") throw new Error("create-new-task-def did not parse its command line");
  await createNewTaskDef(invocation.options, { env, cwd: repoRoot });
}
