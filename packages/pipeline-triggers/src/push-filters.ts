/**
 * Trigger paths as CodePipeline V2 trigger filters for GitHub / CodeConnections sources.
 *
 * Limits (CodePipeline API reference): GitConfiguration.push holds at most 3 push filters; a filter's
 * filePaths.includes holds 1 to 8 patterns of at most 255 characters each; a push filter with file paths must
 * also name branches. Glob syntax (CodePipeline user guide, "Working with glob patterns"): `**` crosses folders,
 * `{a,b}` is a group that matches when any sub-pattern does (groups cannot nest), `\` escapes a special character.
 *
 * So a list of up to 8 paths becomes one pattern each; a longer one is packed into brace groups per parent folder
 * (`apps/orders/**`, `packages/{shared,tsconfig}/**`, `{package.json,pnpm-lock.yaml}`), and only if those still
 * exceed 8 patterns are they spread over several push filters (a push matching any filter starts the pipeline).
 */

export const CODEPIPELINE_TRIGGER_LIMITS = {
  maxPushFilters: 3,
  maxFilePathIncludes: 8,
  maxPatternLength: 255,
} as const;

/** One push filter, in the shape of aws-cdk-lib's `codepipeline.GitPushFilter`. */
export interface CodePipelinePushFilter {
  branchesIncludes: string[];
  filePathsIncludes: string[];
}

export class TriggerLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TriggerLimitError";
  }
}

const GLOB_SPECIAL = /[\\*?[\]{},]/g;

/** Escapes a literal path (or branch name) so no character of it is read as glob syntax. */
export function escapeGlobLiteral(text: string): string {
  return text.replace(GLOB_SPECIAL, (character) => `\\${character}`);
}

/** One glob per trigger path: "apps/orders/" -> "apps/orders/**", "pnpm-lock.yaml" -> "pnpm-lock.yaml". */
export function triggerGlobs(triggerPaths: readonly string[]): string[] {
  return triggerPaths.map((triggerPath) =>
    triggerPath.endsWith("/") ? `${escapeGlobLiteral(triggerPath.slice(0, -1))}/**` : escapeGlobLiteral(triggerPath),
  );
}

/** The file path patterns for the trigger paths, within the per-pattern length, as few as the limits allow. */
export function filePathPatterns(triggerPaths: readonly string[]): string[] {
  if (triggerPaths.length === 0) throw new TriggerLimitError("no trigger paths: a pipeline needs at least one");
  const plain = triggerGlobs(triggerPaths);
  for (const pattern of plain) assertPatternLength(pattern);
  if (plain.length <= CODEPIPELINE_TRIGGER_LIMITS.maxFilePathIncludes) return plain;
  const patterns: string[] = [];
  for (const [parent, entries] of byParentFolder(triggerPaths)) {
    const prefix = parent === "" ? "" : `${escapeGlobLiteral(parent)}/`;
    const folders = entries.filter((entry) => entry.endsWith("/")).map((entry) => entry.slice(0, -1));
    const files = entries.filter((entry) => !entry.endsWith("/"));
    patterns.push(...packIntoGroups(prefix, folders, "/**"), ...packIntoGroups(prefix, files, ""));
  }
  return patterns;
}

/** Groups paths by their parent folder ("" for the root), so a group shares it: `packages/{a,b}/**`. */
function byParentFolder(triggerPaths: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const triggerPath of triggerPaths) {
    const trimmed = triggerPath.endsWith("/") ? triggerPath.slice(0, -1) : triggerPath;
    const slash = trimmed.lastIndexOf("/");
    const parent = slash === -1 ? "" : trimmed.slice(0, slash);
    const members = groups.get(parent) ?? [];
    members.push(triggerPath.slice(slash + 1));
    groups.set(parent, members);
  }
  return groups;
}

/**
 * The push filters that start a pipeline on a push to `branch` touching any of the trigger paths.
 * Throws TriggerLimitError, saying by how much, when even packed patterns exceed 3 filters x 8 patterns.
 */
export function codePipelinePushFilters(triggerPaths: readonly string[], branch: string): CodePipelinePushFilter[] {
  if (branch === "") throw new TriggerLimitError("branch: must be a non-empty branch name");
  const patterns = filePathPatterns(triggerPaths);
  const { maxFilePathIncludes, maxPushFilters } = CODEPIPELINE_TRIGGER_LIMITS;
  const filterCount = Math.ceil(patterns.length / maxFilePathIncludes);
  if (filterCount > maxPushFilters) {
    throw new TriggerLimitError(
      `${triggerPaths.length} trigger paths need ${patterns.length} file path patterns, more than CodePipeline allows ` +
        `(${maxPushFilters} push filters x ${maxFilePathIncludes} patterns of ${CODEPIPELINE_TRIGGER_LIMITS.maxPatternLength} characters); ` +
        "shorten package folder names or trim the service's workspace dependencies",
    );
  }
  const branchesIncludes = [escapeGlobLiteral(branch)];
  const filters: CodePipelinePushFilter[] = [];
  const perFilter = Math.ceil(patterns.length / filterCount);
  for (let start = 0; start < patterns.length; start += perFilter) {
    filters.push({ branchesIncludes, filePathsIncludes: patterns.slice(start, start + perFilter) });
  }
  return filters;
}

/** Greedy packing of literal names into `<prefix>{a,b,...}<suffix>` patterns of at most maxPatternLength characters. */
function packIntoGroups(prefix: string, entries: readonly string[], suffix: string): string[] {
  const patterns: string[] = [];
  let group: string[] = [];
  const render = (members: readonly string[]): string =>
    members.length === 1 ? `${prefix}${members[0]}${suffix}` : `${prefix}{${members.join(",")}}${suffix}`;
  for (const entry of entries.map(escapeGlobLiteral)) {
    if (group.length > 0 && render([...group, entry]).length > CODEPIPELINE_TRIGGER_LIMITS.maxPatternLength) {
      patterns.push(render(group));
      group = [];
    }
    group.push(entry);
  }
  if (group.length > 0) patterns.push(render(group));
  for (const pattern of patterns) assertPatternLength(pattern);
  return patterns;
}

function assertPatternLength(pattern: string): void {
  if (pattern.length > CODEPIPELINE_TRIGGER_LIMITS.maxPatternLength) {
    throw new TriggerLimitError(
      `file path pattern "${pattern}" is ${pattern.length} characters; CodePipeline accepts at most ${CODEPIPELINE_TRIGGER_LIMITS.maxPatternLength}`,
    );
  }
}
