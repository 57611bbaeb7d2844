import type { CodeCommitClient } from "@aws-sdk/client-codecommit";
import type { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { matchingTriggerPaths } from "@repo/pipeline-triggers/trigger-match";
import { branchHead } from "./branch-head.ts";
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
  /** The pushed commit. */
  commitId?: string;
  /** The commit the pipelines were last started at: the pushed one, or the branch head when it had moved on. */
  startedAt?: string;
  /** Pipelines started (empty when the push affects none). */
  started: string[];
}

/** How many matched paths a decision log line lists per pipeline (the count is always complete). */
const LOGGED_PATHS_PER_PIPELINE = 20;

/**
 * How many times one invocation starts pipelines at a head that moved while it was starting them (see
 * startAtBranchHead). Past that the invocation fails and Lambda retries it, from the head of that moment.
 */
export const MAX_START_ROUNDS = 5;

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

/** Builds the router: EventBridge event in, the affected pipelines started at the branch's head. */
export function createRouter(dependencies: RouterDependencies): (event: unknown) => Promise<RouterResult> {
  const { config, codeCommit, codePipeline } = dependencies;
  const log = dependencies.log ?? ((line: LogLine) => console.log(JSON.stringify(line)));
  const allPipelines = Object.keys(config.pipelines).sort();
  const scope = { repository: config.repositoryName, branch: config.branch };
  const diff = (beforeCommitId: string, afterCommitId: string) =>
    changedPaths(codeCommit, { repositoryName: config.repositoryName, beforeCommitId, afterCommitId });
  const matches = (pipeline: string, changed: string) =>
    matchingTriggerPaths(changed, config.pipelines[pipeline] ?? []).length > 0;
  const touchedBy = (paths: readonly string[]) => (pipeline: string) =>
    paths.some((changed) => matches(pipeline, changed));

  /**
   * Starts `pipelines` for one push, never at a commit older than the branch head.
   *
   * Before starting: when the head is no longer the pushed commit (a later push landed, or this is a retry that ran
   * after one, or a force-push replaced the commit), the pipelines start at the head instead. Starting them at the
   * pushed commit would queue it after the newer commit's execution and ship the older code last; skipping them
   * would lose the push when the later pushes touch other services only (their routers never start these
   * pipelines). The head holds this push's changes when it descends from the pushed commit, and is what the owner
   * chose when a force-push replaced it; either way it is the right thing to build.
   *
   * After starting: a push that landed while the starts were in flight (SDK retries can stretch that to seconds)
   * may have had its own router start the same pipelines before ours arrived, leaving our older commit last in the
   * queue. So the head is read again; every pipeline whose trigger paths changed between the commit we started and
   * the new head is started again at the new head. Pipelines the newer commits do not touch build the same at
   * either commit and are left alone. An execution may thus be duplicated when pushes land within seconds of each
   * other; an older commit is never the last one queued.
   */
  async function startAtBranchHead(
    pipelines: readonly string[],
    push: { eventId: string; commitId: string },
  ): Promise<{ started: string[]; startedAt?: string; branchGone: boolean }> {
    const started = new Set<string>();
    let head = await branchHead(codeCommit, config.repositoryName, config.branch);
    if (head === undefined) return { started: [], branchGone: true };
    if (head !== push.commitId) {
      log({
        level: "warn",
        decision: "start at head",
        reason:
          "the branch head is no longer the pushed commit (a later push or a force-push moved it): the affected " +
          "pipelines start at the head, which holds this push's changes when it descends from it and is the " +
          "owner's choice when a force-push replaced it, never at the older commit, which would ship after newer ones",
        ...scope,
        eventId: push.eventId,
        commitId: push.commitId,
        headCommitId: head,
        pipelines,
      });
    }
    let target = head;
    let pending = [...pipelines];
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_START_ROUNDS) {
        throw new Error(
          `the head of ${config.branch} moved during each of ${MAX_START_ROUNDS} rounds of starts; failing so the retry starts from the head it finds`,
        );
      }
      const outcomes = await startPipelines(codePipeline, pending, {
        eventId: push.eventId,
        commitId: target,
        sourceActionName: config.sourceActionName,
      });
      for (const outcome of outcomes) {
        log(
          outcome.started
            ? {
                level: "info",
                action: "started",
                pipeline: outcome.pipeline,
                commitId: target,
                executionId: outcome.executionId,
              }
            : { level: "error", action: "start failed", pipeline: outcome.pipeline, error: outcome.error },
        );
        if (outcome.started) started.add(outcome.pipeline);
      }
      const failed = outcomes.filter((outcome) => !outcome.started);
      // Throwing makes the asynchronous invocation retry (then go to the failure queue); the pipelines already
      // started carry idempotency tokens, so a retry at the same head starts only what failed.
      if (failed.length > 0) throw new PipelineStartError(failed, [...started].sort());

      head = await branchHead(codeCommit, config.repositoryName, config.branch);
      if (head === undefined || head === target) break;
      const newer = await diff(target, head);
      const overtaken = pending.filter(touchedBy(newer));
      log({
        level: "warn",
        action: "head moved while starting",
        reason:
          "a newer push touching these pipelines may have started them before our start arrived: starting them " +
          "again at the new head so that an older commit is never the last one queued",
        ...scope,
        eventId: push.eventId,
        startedAt: target,
        headCommitId: head,
        startAgain: overtaken,
      });
      pending = overtaken;
      target = head;
    }
    return { started: [...started].sort(), startedAt: target, branchGone: false };
  }

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
      const paths = await diff(change.oldCommitId, change.commitId);
      const matched = allPipelines.map((pipeline) => ({
        pipeline,
        paths: paths.filter((changed) => matches(pipeline, changed)),
      }));
      selected = matched.filter((match) => match.paths.length > 0).map((match) => match.pipeline);
      reason =
        selected.length > 0
          ? `${paths.length} changed path(s) affect ${selected.length} of ${allPipelines.length} pipeline(s)`
          : `none of the ${paths.length} changed path(s) affects a pipeline`;
      log({
        level: "info",
        decision: selected.length > 0 ? "some" : "none",
        reason,
        ...scope,
        eventId: change.eventId,
        commitId: change.commitId,
        oldCommitId: change.oldCommitId,
        changedPathCount: paths.length,
        pipelines: Object.fromEntries(
          matched.map((match) => [
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
    if (selected.length === 0) return { outcome: "routed", reason, commitId: change.commitId, started: [] };

    const result = await startAtBranchHead(selected, change);
    if (result.branchGone) {
      const gone = "the branch no longer exists: nothing to build";
      log({
        level: "info",
        decision: "none",
        reason: gone,
        ...scope,
        eventId: change.eventId,
        commitId: change.commitId,
      });
      return { outcome: "deleted", reason: gone, commitId: change.commitId, started: [] };
    }
    return {
      outcome: "routed",
      reason,
      commitId: change.commitId,
      startedAt: result.startedAt,
      started: result.started,
    };
  };
}

function eventId(event: unknown): unknown {
  return typeof event === "object" && event !== null ? (event as { id?: unknown }).id : undefined;
}
