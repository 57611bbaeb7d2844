import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";

/** The phases CodeBuild runs from a buildspec, in the order it runs them. */
export const PHASE_NAMES = ["install", "pre_build", "build", "post_build"] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export type BuildShell = "bash" | "sh";

export interface BuildPhase {
  commands: string[];
  /** `runtime-versions` (install only): what CodeBuild would select, e.g. { nodejs: "20" }. */
  runtimeVersions: Record<string, string>;
}

export interface BuildArtifacts {
  /** Folder the `files` patterns are relative to (relative to the source root); "" = the source root. */
  baseDirectory: string;
  files: string[];
  /** `discard-paths: yes`: every file lands at the artifact's root. */
  discardPaths: boolean;
}

/** What the rehearsal reads from buildspec.yml (version 0.2). */
export interface Buildspec {
  shell: BuildShell;
  /** `env.variables`: the lowest-precedence variables (the project's environment overrides them). */
  variables: Record<string, string>;
  /** `env.exported-variables`: handed to CodePipeline after the build. */
  exportedVariables: string[];
  phases: Partial<Record<PhaseName, BuildPhase>>;
  artifacts: BuildArtifacts | undefined;
  /** Parts of the file the rehearsal reads but cannot act on (printed once, so nobody is surprised). */
  notes: string[];
}

/** A buildspec the rehearsal cannot run, with the file, the field and (when known) the line. */
export class BuildspecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildspecError";
  }
}

const TOP_LEVEL_KEYS = new Set(["version", "env", "phases", "artifacts", "cache"]);
const ENV_KEYS = new Set(["shell", "variables", "exported-variables"]);
const PHASE_KEYS = new Set(["commands", "runtime-versions"]);
const ARTIFACT_KEYS = new Set(["files", "base-directory", "discard-paths", "name"]);
type Fail = (node: unknown, message: string) => never;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const EXTEND_HINT = "the rehearsal does not emulate it; extend tools/rehearse/src/buildspec.ts";

export function parseBuildspec(text: string, file = "buildspec.yml"): Buildspec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node: unknown): string => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? `${file}:${lineCounter.linePos(range[0]).line}` : file;
  };
  // Typed explicitly so that a call narrows like a `throw` does.
  const fail: Fail = (node, message) => {
    throw new BuildspecError(`${at(node)}: ${message}`);
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const line = error?.linePos?.[0]?.line;
    throw new BuildspecError(`${file}${line ? `:${line}` : ""}: not valid YAML (${error?.message.split("\n")[0]})`);
  }
  const root = document.contents;
  if (!isMap(root)) return fail(root, "expected a mapping with version, env, phases and artifacts");

  for (const pair of root.items) {
    const key = keyOf(pair.key);
    if (!TOP_LEVEL_KEYS.has(key)) fail(pair.key, `\`${key}\` is not supported: ${EXTEND_HINT}`);
  }

  const versionNode = root.get("version", true);
  const version = isScalar(versionNode) ? String(versionNode.value) : undefined;
  if (version !== "0.2") {
    fail(versionNode ?? root, `version must be 0.2 (found ${version ?? "none"}); the rehearsal runs buildspec 0.2`);
  }
  const notes: string[] = [];
  if (root.has("cache")) {
    notes.push("`cache` is CodeBuild's S3/local cache: it only changes speed, so the rehearsal ignores it");
  }
  return {
    ...parseEnv(root, fail),
    phases: parsePhases(root, fail),
    artifacts: parseArtifacts(root, fail),
    notes,
  };
}

function parseEnv(root: YAMLMap, fail: Fail): Pick<Buildspec, "shell" | "variables" | "exportedVariables"> {
  const parsed: Pick<Buildspec, "shell" | "variables" | "exportedVariables"> = {
    shell: "sh", // CodeBuild's default on Linux images
    variables: {},
    exportedVariables: [],
  };
  const envNode = root.get("env", true);
  if (envNode === undefined) return parsed;
  const env = knownMapping(envNode, "env", ENV_KEYS, "a mapping", fail);
  const shellNode = env.get("shell", true);
  if (shellNode !== undefined) {
    const value = isScalar(shellNode) ? String(shellNode.value) : "";
    if (value !== "bash" && value !== "sh") fail(shellNode, `env.shell: "${value}" is not emulated (bash or sh)`);
    parsed.shell = value as BuildShell;
  }
  const variablesNode = env.get("variables", true);
  if (variablesNode !== undefined) {
    if (!isMap(variablesNode)) fail(variablesNode, "env.variables: expected a mapping of NAME: value");
    for (const pair of variablesNode.items) {
      const name = keyOf(pair.key);
      if (!VARIABLE_NAME.test(name)) fail(pair.key, `env.variables: "${name}" is not a valid variable name`);
      if (!isScalar(pair.value) || pair.value.value === null) {
        fail(pair.value ?? pair.key, `env.variables.${name}: expected a string`);
      }
      parsed.variables[name] = String(pair.value.value);
    }
  }
  const exportedNode = env.get("exported-variables", true);
  if (exportedNode !== undefined) parsed.exportedVariables = stringList(exportedNode, "env.exported-variables", fail);
  return parsed;
}

function parsePhases(root: YAMLMap, fail: Fail): Partial<Record<PhaseName, BuildPhase>> {
  const phasesNode = root.get("phases", true);
  if (!isMap(phasesNode)) {
    return fail(phasesNode ?? root, "phases: expected a mapping of install/pre_build/build/post_build");
  }
  const phases: Partial<Record<PhaseName, BuildPhase>> = {};
  for (const pair of phasesNode.items) {
    const name = keyOf(pair.key);
    if (!(PHASE_NAMES as readonly string[]).includes(name)) {
      fail(pair.key, `phases.${name}: unknown phase (CodeBuild runs ${PHASE_NAMES.join(", ")})`);
    }
    const phaseNode = pair.value;
    if (!isMap(phaseNode)) return fail(phaseNode ?? pair.key, `phases.${name}: expected a mapping with commands`);
    for (const phasePair of phaseNode.items) {
      const key = keyOf(phasePair.key);
      if (!PHASE_KEYS.has(key)) fail(phasePair.key, `phases.${name}.${key} is not supported: ${EXTEND_HINT}`);
      if (key === "runtime-versions" && name !== "install") {
        fail(phasePair.key, `phases.${name}.runtime-versions: CodeBuild accepts runtime-versions in install only`);
      }
    }
    const commandsNode = phaseNode.get("commands", true);
    const commands = commandsNode === undefined ? [] : stringList(commandsNode, `phases.${name}.commands`, fail);
    const runtimeVersions: Record<string, string> = {};
    const runtimeNode = phaseNode.get("runtime-versions", true);
    if (runtimeNode !== undefined) {
      if (!isMap(runtimeNode)) fail(runtimeNode, `phases.${name}.runtime-versions: expected a mapping`);
      for (const runtimePair of runtimeNode.items) {
        runtimeVersions[keyOf(runtimePair.key)] = isScalar(runtimePair.value) ? String(runtimePair.value.value) : "";
      }
    }
    phases[name as PhaseName] = { commands, runtimeVersions };
  }
  return phases;
}

function parseArtifacts(root: YAMLMap, fail: Fail): BuildArtifacts | undefined {
  const artifactsNode = root.get("artifacts", true);
  if (artifactsNode === undefined) return undefined;
  const node = knownMapping(artifactsNode, "artifacts", ARTIFACT_KEYS, "a mapping with files", fail);
  const filesNode = node.get("files", true);
  if (filesNode === undefined) return fail(node, "artifacts.files: required (the files to hand to the next stage)");
  const files = stringList(filesNode, "artifacts.files", fail);
  if (files.length === 0) fail(filesNode, "artifacts.files: empty");
  const baseNode = node.get("base-directory", true);
  const baseDirectory = baseNode === undefined ? "" : scalarString(baseNode, "artifacts.base-directory", fail);
  const discardNode = node.get("discard-paths", true);
  let discardPaths = false;
  if (discardNode !== undefined) {
    const value = isScalar(discardNode) ? String(discardNode.value).toLowerCase() : "";
    // YAML 1.2 reads `yes` as a string; CodeBuild documents yes/no (true/false works too).
    if (value === "yes" || value === "true") discardPaths = true;
    else if (value !== "no" && value !== "false") fail(discardNode, `artifacts.discard-paths: expected yes or no`);
  }
  return { baseDirectory, files, discardPaths };
}

/** `node` as a mapping whose keys are all in `known`; another key is named as not emulated. */
function knownMapping(node: unknown, field: string, known: ReadonlySet<string>, expected: string, fail: Fail): YAMLMap {
  if (!isMap(node)) return fail(node, `${field}: expected ${expected}`);
  for (const pair of node.items) {
    const key = keyOf(pair.key);
    if (!known.has(key)) fail(pair.key, `${field}.${key} is not supported: ${EXTEND_HINT}`);
  }
  return node;
}

function stringList(node: unknown, field: string, fail: Fail): string[] {
  if (!isSeq(node)) return fail(node, `${field}: expected a list`);
  return node.items.map((item, index) => scalarString(item, `${field}[${index}]`, fail));
}

function scalarString(node: unknown, field: string, fail: Fail): string {
  if (!isScalar(node) || typeof node.value !== "string") return fail(node, `${field}: expected a string`);
  return node.value;
}

function keyOf(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

/**
 * The line shown when a command starts, cut to `width` characters, with the number of lines when there are more:
 * in a script, the first line continued with a backslash (the long command the script exists for, such as
 * `docker buildx build \`), otherwise its first line that says something (a leading `set -euo pipefail` does not).
 */
export function commandTitle(command: string, width = 100): string {
  const lines = command
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return "(empty command)";
  const telling =
    lines.find((line) => line.endsWith("\\")) ??
    lines.find((line) => !/^set\s+[-+]/.test(line)) ??
    (lines[0] as string);
  const line = telling.replace(/\s*\\$/, "");
  const shown = line.length <= width ? line : `${line.slice(0, width - 1)}…`;
  if (lines.length === 1) return shown;
  return `${shown}${shown.endsWith("…") ? "" : " …"} (${lines.length} lines)`;
}
