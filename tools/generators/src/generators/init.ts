import { deploymentConfigSchema, formatIssues } from "@repo/service-contract";
import type { NodePlopAPI } from "node-plop";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { type InitPlan, planInit } from "../init/plan.ts";
import {
  branchProblem,
  currentRepositoryAnswer,
  currentSourceAnswer,
  DEFAULT_REGION,
  DEPLOYMENT_CONFIG,
  type InitAnswers,
  isConnectionArn,
  projectNameProblem,
  readCurrentSetup,
  regionProblem,
  repositoryProblem,
  resolveInitSettings,
  scopeProblem,
  sourceProblem,
} from "../init/settings.ts";
import { installAction } from "../plop/install-action.ts";
import { asValidation } from "../plop/interactive.ts";
import { applyEdits, revertEdits } from "../workspace/file-edits.ts";
import { formatFiles } from "../workspace/format.ts";
import { installSkipped } from "../workspace/install.ts";

export const APPLY_INIT_ACTION = "apply-init";

interface Run {
  plan?: InitPlan;
}

/** `pnpm plop init [scope] [projectName] [region] [source] [repository] [branch]` */
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
    if (plan.edits.length === 0) {
      return `nothing to change: the repository already uses ${settings.scope}, project ${settings.projectName}, ${settings.region}, ${describeSource(settings.source)}`;
    }
    applyEdits(root, plan.edits);
    try {
      formatFiles(
        root,
        plan.edits.map((edit) => edit.path),
      );
    } catch (error) {
      revertEdits(root, plan.edits);
      throw error;
    }
    return `${plan.edits.length} files changed:\n${plan.edits.map((edit) => `      ${edit.path}`).join("\n")}`;
  });

  plop.setGenerator("init", {
    description: "make the template yours: npm scope, project name, AWS region, source repository (safe to rerun)",
    prompts: [
      {
        type: "input",
        name: "scope",
        message: "npm scope of every package (e.g. @acme)",
        when: interactive,
        default: () => current().scope,
        validate: (value: string) => asValidation(scopeProblem(value)),
      },
      {
        type: "input",
        name: "projectName",
        message: "Project name (prefix of every stack and AWS resource; lowercase kebab-case)",
        when: interactive,
        default: () => current().projectName,
        validate: (value: string) => asValidation(projectNameProblem(value)),
      },
      {
        type: "input",
        name: "region",
        message: "AWS region",
        when: interactive,
        default: () => current().region ?? DEFAULT_REGION,
        validate: (value: string) => asValidation(regionProblem(value)),
      },
      {
        type: "input",
        name: "source",
        message:
          "Source: a CodeCommit repository name, or a CodeConnections connection ARN (GitHub, GitLab, Bitbucket)",
        when: interactive,
        default: () => currentSourceAnswer(current()),
        validate: (value: string) => asValidation(sourceProblem(value)),
      },
      {
        type: "input",
        name: "repository",
        message: (answers: InitAnswers) =>
          isConnectionArn(answers.source)
            ? "Repository the connection reads (owner/repo)"
            : "Repository (owner/repo): only for a connection ARN; press Enter",
        when: interactive,
        default: (answers: InitAnswers) => currentRepositoryAnswer(current(), answers.source),
        validate: (value: string, answers?: InitAnswers) => asValidation(repositoryProblem(value, answers?.source)),
      },
      {
        type: "input",
        name: "branch",
        message: "Branch the pipelines deploy",
        when: interactive,
        default: () => current().source.branch,
        validate: (value: string) => asValidation(branchProblem(value)),
      },
    ],
    actions: () => {
      const run: Run = {};
      return [
        { type: APPLY_INIT_ACTION, run },
        {
          ...installAction(root, () => {
            revertEdits(root, run.plan?.edits ?? []);
            return `put back the ${run.plan?.edits.length} files init changed`;
          }),
          skip: () =>
            !run.plan?.scopeChanged
              ? "pnpm install not needed: no package was renamed"
              : installSkipped()
                ? "pnpm install skipped (PLOP_SKIP_INSTALL): run pnpm install to rename the packages in pnpm-lock.yaml"
                : undefined,
        },
      ];
    },
  });
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
