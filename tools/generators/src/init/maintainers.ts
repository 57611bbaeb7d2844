// The template's maintainers' part (pnpm bench and what it writes): what `pnpm plop init` removes when the new owner
// says so, all of it or nothing.
import { existsSync } from "node:fs";
import path from "node:path";
import { compare, projectFiles } from "@repo/devkit/files";
import { readWorkspace } from "@repo/pipeline-triggers";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { README, withDiagram, workspaceDiagram } from "../workspace/diagram.ts";
import { setJsonValue } from "../workspace/json-edit.ts";

/** Every maintainers' tool is a workspace package under this folder. */
export const MAINTAINERS_DIR = "tools/maintainers";
/**
 * The package.json field where a maintainers' tool lists the repository files it writes outside its folder (pnpm
 * bench: the figures a full run publishes); they go with it.
 */
export const WRITES_FIELD = "writes";
/** Where a Markdown file talks about the maintainers' part only (a README section, a table). */
export const MAINTAINERS_BEGIN = "<!-- maintainers:begin -->";
export const MAINTAINERS_END = "<!-- maintainers:end -->";

const WORKSPACE_FILE = "pnpm-workspace.yaml";
const ROOT_PACKAGE = "package.json";
/** What runs commands: a maintainers' script named there would break once it is gone. */
const RUNNER_FILES = ["turbo.json", ROOT_PACKAGE];
const RUNNER_FOLDERS = [".github", ".ci"];

export interface MaintainersRemoval {
  /** Folders and files to delete, relative to the root. */
  deletions: string[];
  /** New contents of the files that name the maintainers' part. */
  contents: Map<string, string>;
}

export function hasMaintainersTools(root: string): boolean {
  return existsSync(path.join(root, MAINTAINERS_DIR));
}

/** What the maintainers' tools say they write outside their folder (their package.json `writes`), sorted. */
export function maintainersOutputs(root: string): string[] {
  const outputs = readWorkspace(root)
    .packages.filter((pkg) => pkg.dir.startsWith(`${MAINTAINERS_DIR}/`))
    .flatMap((pkg) => {
      const writes = pkg.manifest[WRITES_FIELD] ?? [];
      if (!Array.isArray(writes) || !writes.every((file) => typeof file === "string" && !file.startsWith(".."))) {
        throw new GeneratorError(`${pkg.manifestPath}: ${WRITES_FIELD}: must be a list of repository paths`);
      }
      return writes as string[];
    });
  return [...new Set(outputs)].sort(compare);
}

/**
 * What removing the maintainers' part changes, computed from `read` (the files as earlier edits left them): the
 * folder and the files they write go; the root scripts that run them, the workspace glob that finds them, the README
 * blocks about them go; the README's workspace diagram is redrawn without them. Refuses, naming the places, when a
 * file that runs commands (CI, turbo, the root scripts) still names them afterwards.
 */
export function planMaintainersRemoval(root: string, read: (file: string) => string): MaintainersRemoval {
  const contents = new Map<string, string>();
  const scripts = maintainersScripts(JSON.parse(read(ROOT_PACKAGE)) as { scripts?: Record<string, string> });
  let rootPackage = read(ROOT_PACKAGE);
  for (const script of scripts) rootPackage = setJsonValue(rootPackage, ["scripts", script], undefined);
  contents.set(ROOT_PACKAGE, rootPackage);
  contents.set(WORKSPACE_FILE, withoutWorkspaceGlob(read(WORKSPACE_FILE)));
  const diagram = workspaceDiagram(readWorkspace(root), [MAINTAINERS_DIR]);
  contents.set(README, withDiagram(withoutMaintainersBlocks(read(README), README), diagram));

  const named = referencesLeft(root, (file) => contents.get(file) ?? read(file), scripts);
  if (named.length > 0) {
    throw new GeneratorError(
      problemsMessage(`cannot remove ${MAINTAINERS_DIR}: these still run the maintainers' tools`, [
        ...named,
        `remove those lines, or answer no to keep ${MAINTAINERS_DIR}`,
      ]),
    );
  }
  const deletions = [MAINTAINERS_DIR, ...maintainersOutputs(root).filter((file) => existsSync(path.join(root, file)))];
  return { deletions, contents };
}

/** Root scripts whose command runs something under the maintainers' folder (`pnpm bench`). */
function maintainersScripts(pkg: { scripts?: Record<string, string> }): string[] {
  return Object.entries(pkg.scripts ?? {})
    .filter(([, command]) => command.includes(`${MAINTAINERS_DIR}/`))
    .map(([name]) => name);
}

/** pnpm-workspace.yaml without the maintainers' glob and the comment line right above it. */
function withoutWorkspaceGlob(text: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((line) => line.trim() === `- ${MAINTAINERS_DIR}/*`);
  if (at === -1) return text;
  const from = lines[at - 1]?.trim().startsWith("#") ? at - 1 : at;
  return [...lines.slice(0, from), ...lines.slice(at + 1)].join("\n");
}

/** The Markdown text without its maintainers' blocks (and the blank line after each). */
export function withoutMaintainersBlocks(text: string, file: string): string {
  let result = text;
  for (;;) {
    const start = result.indexOf(MAINTAINERS_BEGIN);
    if (start === -1) return result;
    const end = result.indexOf(MAINTAINERS_END, start);
    if (end === -1) throw new GeneratorError(`${file}: ${MAINTAINERS_BEGIN} without ${MAINTAINERS_END}`);
    const after = result.slice(end + MAINTAINERS_END.length).replace(/^\n(\n)?/, "");
    result = result.slice(0, start) + after;
  }
}

/** `file:line: text` for each line of a command-running file that names the folder or a removed script. */
function referencesLeft(root: string, read: (file: string) => string, scripts: readonly string[]): string[] {
  const patterns = [`${MAINTAINERS_DIR}/`, ...scripts.map((script) => `pnpm ${script}`)];
  const files = [
    ...RUNNER_FILES.filter((file) => existsSync(path.join(root, file))),
    ...RUNNER_FOLDERS.flatMap((folder) => projectFiles(root, folder).map((file) => `${folder}/${file}`)),
  ];
  const found: string[] = [];
  for (const file of files) {
    read(file)
      .split("\n")
      .forEach((line, index) => {
        if (patterns.some((pattern) => mentions(line, pattern))) found.push(`${file}:${index + 1}: ${line.trim()}`);
      });
  }
  return found;
}

/** `pnpm bench` but not `pnpm benchmark`. */
function mentions(line: string, pattern: string): boolean {
  const at = line.indexOf(pattern);
  if (at === -1) return false;
  return pattern.endsWith("/") || !/[\w-]/.test(line.charAt(at + pattern.length));
}
