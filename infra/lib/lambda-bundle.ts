import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LambdaName, lambdaEntry } from "@repo/lambdas";
import { esbuildNodeTarget, lambdaNodeRuntimeName, workspaceRoot } from "@repo/service-contract";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
import { timed } from "./synth-timings.ts";

const INFRA_ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Git-ignored: one folder per bundle content key, and per function the inputs its last bundle was built from. */
export const LAMBDA_CACHE_DIR = path.join(INFRA_ROOT, ".cache", "lambda");
const bundled = new Map<LambdaName, string>();

/**
 * Bundles one of @repo/lambdas' functions (its src/<name>/index.ts) with its dependencies, the AWS SDK included, so
 * the tested SDK version is the one that runs, into .cache/lambda/<name>/<key>/index.js (CommonJS) and returns that
 * folder for `Code.fromAsset`. <key> hashes everything the bundle is built from (esbuild's version and options, the
 * lockfile, every input file esbuild read and the package.json of each package it read from): a synth whose inputs
 * are unchanged reuses the folder instead of running esbuild. Once per process at most; no Docker.
 */
export function bundleLambda(name: LambdaName): string {
  const known = bundled.get(name);
  if (known) return known;
  const folder = timed("lambda bundling", () => cachedBundle(name) ?? buildBundle(name));
  bundled.set(name, folder);
  return folder;
}

function options(name: LambdaName): BuildOptions {
  return {
    entryPoints: [lambdaEntry(name)],
    bundle: true,
    platform: "node",
    target: esbuildNodeTarget(),
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Input paths relative to the workspace root, so the key does not depend on where the repository is checked out.
    absWorkingDir: workspaceRoot(INFRA_ROOT),
  };
}

const inputsFile = (name: LambdaName) => path.join(LAMBDA_CACHE_DIR, name, "inputs.json");

/** The folder of the last bundle of `name`, when none of the files it was built from changed since. */
function cachedBundle(name: LambdaName): string | undefined {
  if (!existsSync(inputsFile(name))) return undefined;
  const inputs = JSON.parse(readFileSync(inputsFile(name), "utf8")) as string[];
  const key = bundleKey(name, inputs);
  const folder = key && path.join(LAMBDA_CACHE_DIR, name, key);
  return folder && existsSync(path.join(folder, "index.js")) ? folder : undefined;
}

function buildBundle(name: LambdaName): string {
  const result = buildSync({ ...options(name), metafile: true });
  const code = result.outputFiles?.[0];
  if (!code) throw new Error(`esbuild produced no output for ${lambdaEntry(name)}`);
  const inputs = Object.keys(result.metafile?.inputs ?? {}).sort();
  const key = bundleKey(name, inputs);
  if (!key) throw new Error(`an input of ${lambdaEntry(name)} disappeared while esbuild bundled it`);
  const folder = path.join(LAMBDA_CACHE_DIR, name, key);
  if (!existsSync(path.join(folder, "index.js"))) {
    // Parallel test workers may bundle at the same time: build aside, then rename (atomic on one file system).
    const aside = `${folder}.${process.pid}`;
    mkdirSync(aside, { recursive: true });
    writeFileSync(path.join(aside, "index.js"), code.contents);
    // CommonJS, said explicitly: the bundle must not inherit "type": "module" from a package.json above it.
    writeFileSync(path.join(aside, "package.json"), '{ "type": "commonjs" }\n');
    try {
      renameSync(aside, folder);
    } catch (error) {
      // Another process renamed the same content there first.
      rmSync(aside, { recursive: true, force: true });
      if (!existsSync(path.join(folder, "index.js"))) throw error;
    }
  }
  const list = `${inputsFile(name)}.${process.pid}`;
  writeFileSync(list, `${JSON.stringify(inputs)}\n`);
  renameSync(list, inputsFile(name));
  return folder;
}

/** The content key of a bundle of `name` from `inputs` (relative to `root`); undefined if one of them is gone. */
export function bundleKey(
  name: LambdaName,
  inputs: readonly string[],
  root = workspaceRoot(INFRA_ROOT),
): string | undefined {
  const { absWorkingDir: _, ...settings } = options(name);
  const hash = createHash("sha256").update(JSON.stringify({ esbuild: esbuildVersion, settings }));
  const files = new Set(["pnpm-lock.yaml", ...inputs]);
  for (const input of inputs) {
    const manifest = nearestPackageJson(root, path.dirname(input));
    if (manifest) files.add(manifest);
  }
  for (const file of files) {
    const absolute = path.join(root, file);
    if (!existsSync(absolute)) return undefined;
    hash.update(`${file}\0`).update(readFileSync(absolute)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

const packageJsonOf = new Map<string, string | null>();

/** The package.json (relative to root) of the package `dir` belongs to: it decides how its imports resolve. */
function nearestPackageJson(root: string, dir: string): string | null {
  const known = packageJsonOf.get(path.join(root, dir));
  if (known !== undefined) return known;
  const candidate = path.join(dir, "package.json");
  const parent = path.dirname(dir);
  const found = existsSync(path.join(root, candidate))
    ? candidate
    : parent === dir
      ? null
      : nearestPackageJson(root, parent);
  packageJsonOf.set(path.join(root, dir), found);
  return found;
}

/** The Lambda runtime of every function the app bundles: the Node.js major of the workspace's .nvmrc. */
export function nodeLambdaRuntime(): lambda.Runtime {
  const name = lambdaNodeRuntimeName();
  const runtime = Object.values(lambda.Runtime).find(
    (candidate): candidate is lambda.Runtime => candidate instanceof lambda.Runtime && candidate.name === name,
  );
  if (!runtime) throw new Error(`aws-cdk-lib knows no Lambda runtime ${name} (.nvmrc): upgrade aws-cdk-lib`);
  return runtime;
}
