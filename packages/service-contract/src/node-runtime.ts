// The Node.js line everything runs on. `.nvmrc` at the workspace root is the one source: the esbuild targets, the
// Lambda runtimes and the CodeBuild runtime selection follow it, and a test fails when a copy that cannot follow it
// (a Dockerfile tag, buildspec.yml, a workflow matrix, engines) disagrees.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The file that names the Node.js major (read by nvm, fnm, setup-node and this module). */
export const NODE_VERSION_FILE = ".nvmrc";

/** The oldest Node.js line the tooling supports: the oldest line still maintained upstream (engines, CI matrix). */
export const OLDEST_SUPPORTED_NODE_MAJOR = 22;

/**
 * engines.node: that line from its first release that strips TypeScript types by default (22.18.0), which the CDK
 * app runs under (`node bin/app.ts`, no tsx).
 */
export const SUPPORTED_NODE_ENGINES = `>=${OLDEST_SUPPORTED_NODE_MAJOR}.18.0`;

/**
 * The CodeBuild image every service's Build stage runs on, and the Node.js majors its `runtime-versions` offers.
 * Source: aws/aws-codebuild-docker-images, ubuntu/standard/8.0/runtimes.yml (nodejs: 24, 22) and its Dockerfile
 * (Ubuntu 24.04, NODE_22_VERSION / NODE_24_VERSION, Docker 28.5, buildx 0.32), read at commit 1590e48 (2026-04-09).
 */
export const CODEBUILD_IMAGE = "aws/codebuild/standard:8.0";
export const CODEBUILD_IMAGE_NODE_MAJORS: readonly number[] = [22, 24];

/** The workspace root: the nearest folder above `from` that holds pnpm-workspace.yaml. */
export function workspaceRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: not inside the workspace`);
    dir = parent;
  }
}

/** The Node.js major `.nvmrc` names (e.g. 24 for "24", "v24" or "24.11.0"). */
export function nodeMajor(root: string = workspaceRoot()): number {
  const file = path.join(root, NODE_VERSION_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const match = /^v?(\d+)(\.\d+){0,2}$/.exec(text.trim());
  if (!match) throw new Error(`${file}: must name a Node.js version such as 24 (found ${JSON.stringify(text.trim())})`);
  return Number(match[1]);
}

/** esbuild's `target` for every bundle: the runtime that runs it. */
export function esbuildNodeTarget(root?: string): string {
  return `node${nodeMajor(root)}`;
}

/** The Lambda runtime identifier for the Node.js major, e.g. "nodejs24.x". */
export function lambdaNodeRuntimeName(root?: string): string {
  return `nodejs${nodeMajor(root)}.x`;
}
