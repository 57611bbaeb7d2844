import type { CodeCommitClient } from "@aws-sdk/client-codecommit";
import type { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { matchingTriggerPaths } from "../trigger-match.ts";
import { changedPaths } from "./changed-paths.ts";
import type { RouterConfig } from "./config.ts";
import { readBranchChange } from "./event.ts";
import { type StartOutcome, startPipelines } from "./start-pipelines.ts";

export type LogLine = Record<string, unknown>;

export interface RouterDependencies {
  config: RouterConfig;
  codeCommit: CodeCommitClient;
  codePipeline: CodePipelineClient;
  /** Receives one structured entry per decision; defaults to one JSON line on stdout (CloudWatch Logs). */
  log?: (line: LogLine) => void;
}

export interface RouterResult {
  /** "ignored": not a push to the configured branch; "deleted": branch deleted; "routed": pipelines chosen. */
  outcome: "ignored" | "deleted" | "routed";
  reason: string;
  commitId?: string;
  /** Pipelines started (empty when the push affects none). */
  started: string[];
}

/** How many matched paths a decision log line lists per pipeline (the count is always complete). */
const LOGGED_PATHS_PER_PIPELINE = 20;

export class PipelineStartError extends Error {
  constructor(
    readonly failed: readonly StartOutcome[],
    readonly started: readonly string[],
  ) {
    super(
      `could not start ${failed.length} pipeline(s): ${failed
        .map((outcome) => `${outcome.pipeline} (${outcome.started ? "" : outcome.error})`)
        .join(", ")}; started: ${started.length > 0 ? started.join(", ") : "none"}`,
    );
    this.name = "PipelineStartError";
  }
}

/** Builds the router: EventBridge event in, the affected pipelines started at the pushed commit. */
export function createRouter(dependencies: RouterDependencies): (event: unknown) => Promise<RouterResult> {
  const { config, codeCommit, codePipeline } = dependencies;
  const log = dependencies.log ?? ((line: LogLine) => console.log(JSON.stringify(line)));
  const allPipelines = Object.keys(config.pipelines).sort();
  const scope = { repository: config.repositoryName, branch: config.branch };

  return async (event) => {
    const change = readBranchChange(event, config);
    if (change.kind === "ignored") {
      log({ level: "info", decision: "ignored", reason: change.reason, ...scope, eventId: eventId(event) });
      return { outcome: "ignored", reason: change.reason, started: [] };
    }
    if (change.kind === "deleted") {
      const reason = "branch deleted: nothing to build";
      log({ level: "info", decision: "none", reason, ...scope, oldCommitId: change.oldCommitId });
      return { outcome: "deleted", reason, started: [] };
    }

    let selected: string[];
    let reason: string;
    if (change.kind === "created") {
      // A new branch (or the first push) has no previous commit to diff against, and none of the pipelines has
      // built anything from it yet: every one of them must build its first revision.
      selected = allPipelines;
      reason = "branch created: no previous commit to compare with, so every pipeline builds it";
      log({ level: "info", decision: "all", reason, ...scope, commitId: change.commitId, pipelines: selected });
    } else {
      const paths = await changedPaths(codeCommit, {
        repositoryName: config.repositoryName,
        beforeCommitId: change.oldCommitId,
        afterCommitId: change.commitId,
      });
      const matches = allPipelines.map((pipeline) => ({
        pipeline,
        paths: paths.filter((changed) => matchingTriggerPaths(changed, config.pipelines[pipeline] ?? []).length > 0),
      }));
      selected = matches.filter((match) => match.paths.length > 0).map((match) => match.pipeline);
      reason =
        selected.length > 0
          ? `${paths.length} changed path(s) affect ${selected.length} of ${allPipelines.length} pipeline(s)`
          : `none of the ${paths.length} changed path(s) affects a pipeline`;
      log({
        level: "info",
        decision: selected.length > 0 ? "some" : "none",
        reason,
        ...scope,
        commitId: change.commitId,
        oldCommitId: change.oldCommitId,
        changedPathCount: paths.length,
        pipelines: Object.fromEntries(
          matches.map((match) => [
            match.pipeline,
            {
              start: match.paths.length > 0,
              matchedPathCount: match.paths.length,
              matchedPaths: match.paths.slice(0, LOGGED_PATHS_PER_PIPELINE),
            },
          ]),
        ),
      });
    }

    const outcomes = await startPipelines(codePipeline, selected, {
      commitId: change.commitId,
      sourceActionName: config.sourceActionName,
    });
    for (const outcome of outcomes) {
      log(
        outcome.started
          ? { level: "info", action: "started", pipeline: outcome.pipeline, executionId: outcome.executionId }
          : { level: "error", action: "start failed", pipeline: outcome.pipeline, error: outcome.error },
      );
    }
    const started = outcomes.filter((outcome) => outcome.started).map((outcome) => outcome.pipeline);
    const failed = outcomes.filter((outcome) => !outcome.started);
    // Throwing makes the asynchronous invocation retry; the pipelines already started carry idempotency tokens,
    // so the retry starts only what failed.
    if (failed.length > 0) throw new PipelineStartError(failed, started);
    return { outcome: "routed", reason, commitId: change.commitId, started };
  };
}

function eventId(event: unknown): unknown {
  return typeof event === "object" && event !== null ? (event as { id?: unknown }).id : undefined;
}
