import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LambdaName, lambdaEntry } from "@repo/lambdas";
import { esbuildNodeTarget, lambdaNodeRuntimeName } from "@repo/service-contract";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { buildSync } from "esbuild";

const INFRA_ROOT = fileURLToPath(new URL("..", import.meta.url));
const bundled = new Map<LambdaName, string>();

/**
 * Bundles one of @repo/lambdas' functions (its src/<name>/index.ts) with its dependencies, the AWS SDK included, so
 * the tested SDK version is the one that runs, into dist/lambda/<name>/index.js (CommonJS) and returns that folder
 * for `Code.fromAsset`. Once per process: every stack shares one bundle, which keeps synth fast with many services;
 * no Docker.
 */
export function bundleLambda(name: LambdaName): string {
  const cached = bundled.get(name);
  if (cached) return cached;
  const entry = lambdaEntry(name);
  const outDir = path.join(INFRA_ROOT, "dist", "lambda", name);
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: esbuildNodeTarget(),
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0];
  if (!code) throw new Error(`esbuild produced no output for ${entry}`);
  mkdirSync(outDir, { recursive: true });
  // Parallel test workers may bundle at the same time: write aside, then rename (atomic on one file system).
  const temporary = path.join(outDir, `.index.js.${process.pid}`);
  writeFileSync(temporary, code.contents);
  renameSync(temporary, path.join(outDir, "index.js"));
  // CommonJS, said explicitly: the bundle must not inherit "type": "module" from a package.json above it.
  writeFileSync(path.join(outDir, "package.json"), '{ "type": "commonjs" }\n');
  bundled.set(name, outDir);
  return outDir;
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
