import { deploymentConfigSchema, formatIssues } from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { hasMaintainersTools, MAINTAINERS_DIR } from "../init/maintainers.ts";
import { type InitPlan, planInit } from "../init/plan.ts";
import {
  branchProblem,
  currentRepositoryAnswer,
  currentSourceAnswer,
  DEFAULT_REGION,
  DEPLOYMENT_CONFIG,
  type InitAnswers,
  isConnectionArn,
  parseYesNo,
  projectNameProblem,
  readCurrentSetup,
  regionProblem,
  removeMaintainersProblem,
  repositoryProblem,
  resolveInitSettings,
  scopeProblem,
  sourceProblem,
} from "../init/settings.ts";
import { installAction } from "../plop/install-action.ts";
import { type QuestionSpec, question, withBypass } from "../plop/interactive.ts";
import { type Aside, deleteForGood, moveAside, putBack } from "../workspace/deletions.ts";
import { applyEdits, revertEdits } from "../workspace/file-edits.ts";
import { formatFiles } from "../workspace/format.ts";
import { installSkipped } from "../workspace/install.ts";

export const APPLY_INIT_ACTION = "apply-init";

interface Run {
  plan?: InitPlan;
  /** What the plan deletes, moved aside until pnpm install has succeeded. */
  aside?: Aside[];
}

/** `pnpm plop init [scope] [projectName] [region] [source] [repository] [branch] [removeMaintainers]` */
export function registerInitGenerator(plop: NodePlopAPI, root: string, interactive: boolean): void {
  const current = () => readCurrentSetup(root);

  plop.setActionType(APPLY_INIT_ACTION, async (answers, config) => {
    const run = (config as unknown as { run: Run }).run;
    const setup = current();
    const settings = resolveInitSettings(answers as InitAnswers, setup);
    const plan = planInit(root, setup, settings);
    const configEdit = plan.edits.find((edit) => edit.path === DEPLOYMENT_CONFIG);
    if (configEdit) {
      const result = deploymentConfigSchema.safeParse(JSON.parse(configEdit.after));
      if (!result.success)
        throw new GeneratorError(problemsMessage(DEPLOYMENT_CONFIG, formatIssues(result.error.issues)));
    }
    run.plan = plan;
    if (plan.edits.length === 0 && plan.deletions.length === 0) {
      return `nothing to change: the repository already uses ${settings.scope}, project ${settings.projectName}, ${settings.region}, ${describeSource(settings.source)}`;
    }
    applyEdits(root, plan.edits);
    try {
      formatFiles(
        root,
        plan.edits.map((edit) => edit.path),
      );
      // Out of the workspace now, deleted for good once pnpm install has dropped them from the lockfile.
      run.aside = moveAside(root, plan.deletions);
    } catch (error) {
      revertEdits(root, plan.edits);
      throw error;
    }
    if (installSkipped()) deleteForGood(run.aside);
    const removed = plan.deletions.map((file) => `      ${file}${file === MAINTAINERS_DIR ? "/" : ""}`);
    return [
      `${plan.edits.length} files changed:`,
      ...plan.edits.map((edit) => `      ${edit.path}`),
      ...(removed.length > 0 ? ["    removed:", ...removed] : []),
    ].join("\n");
  });

  const ask = (spec: QuestionSpec<InitAnswers>) => question(spec, interactive);
  plop.setGenerator("init", {
    description: "make the template yours: npm scope, project name, AWS region, source repository (safe to rerun)",
    prompts: [
      ask({
        name: "scope",
        message: "npm scope of every package (e.g. @acme)",
        default: () => current().scope,
        problem: scopeProblem,
      }),
      ask({
        name: "projectName",
        message: "Project name (prefix of every stack and AWS resource; lowercase kebab-case)",
        default: () => current().projectName,
        problem: projectNameProblem,
      }),
      ask({
        name: "region",
        message: "AWS region",
        default: () => current().region ?? DEFAULT_REGION,
        problem: regionProblem,
      }),
      ask({
        name: "source",
        message:
          "Source: a CodeCommit repository name, or a CodeConnections connection ARN (GitHub, GitLab, Bitbucket)",
        default: () => currentSourceAnswer(current()),
        problem: sourceProblem,
      }),
      ask({
        name: "repository",
        message: (answers) =>
          isConnectionArn(answers.source)
            ? "Repository the connection reads (owner/repo)"
            : "Repository (owner/repo): only for a connection ARN; press Enter",
        default: (answers) => currentRepositoryAnswer(current(), answers.source),
        problem: (value, answers) => repositoryProblem(value, answers?.source),
      }),
      ask({
        name: "branch",
        message: "Branch the pipelines deploy",
        default: () => current().source.branch,
        problem: branchProblem,
      }),
      withBypass(
        {
          type: "confirm",
          name: "removeMaintainers",
          message: `Remove the template maintainers' tools (${MAINTAINERS_DIR}/: pnpm bench and the figures it publishes)?`,
          when: interactive && hasMaintainersTools(root),
          default: true,
        },
        yesNoBypass,
      ),
    ],
    actions: () => initActions(root),
  });
}

/** Apply the plan; then pnpm install when packages were renamed or removed, or put everything back. */
function initActions(root: string) {
  const run: Run = {};
  return [
    { type: APPLY_INIT_ACTION, run },
    {
      ...installAction(
        root,
        () => {
          revertEdits(root, run.plan?.edits ?? []);
          putBack(root, run.aside ?? []);
          return `put back the ${run.plan?.edits.length} files init changed${run.aside?.length ? ` and ${run.aside.map((entry) => entry.path).join(", ")}` : ""}`;
        },
        () => deleteForGood(run.aside ?? []),
      ),
      skip: () => {
        const removing = (run.plan?.deletions.length ?? 0) > 0;
        if (!run.plan?.scopeChanged && !removing) return "pnpm install not needed: no package was renamed";
        if (installSkipped()) {
          return `pnpm install skipped (PLOP_SKIP_INSTALL): run pnpm install to ${run.plan?.scopeChanged ? "rename" : "drop"} the packages in pnpm-lock.yaml`;
        }
        return undefined;
      },
    },
  ];
}

/** yes / no on the command line, with the answer's own message otherwise. */
function yesNoBypass(value: string): boolean {
  const answer = parseYesNo(value);
  if (answer === undefined) throw new Error(removeMaintainersProblem(value));
  return answer;
}

function describeSource(source: {
  type: string;
  repositoryName?: string;
  owner?: string;
  repo?: string;
  branch?: string;
}): string {
  return source.type === "codecommit"
    ? `CodeCommit ${source.repositoryName}@${source.branch}`
    : `CodeConnections ${source.owner}/${source.repo}@${source.branch}`;
}
