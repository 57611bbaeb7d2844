// Test support: `pnpm --recursive check-types` as one TypeScript program, so the libraries every package reads
// (TypeScript's lib, @types/node, the AWS SDK, aws-cdk-lib) are parsed and checked once, not once per package.

import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readWorkspace } from "@repo/pipeline-triggers";
import ts from "typescript";

/** The only check-types script this stands in for: with it, a package is its tsconfig.json's files and options. */
export const CHECK_TYPES = "tsc -p tsconfig.json";

/**
 * Type-checks every workspace package in `root` that has a check-types script: the packages checked (folders) and
 * the type errors, formatted as tsc prints them (none: they all pass). Together finds what each alone finds: every
 * package must have the same compiler options, and every file is a module (moduleDetection "force"), so a file sees
 * another package's code only through its imports. The exception, a `declare global` (the services' Express.Locals),
 * reaches only code that uses Express: the services, which each declare it. A package whose script or options
 * differ is an error, not skipped.
 */
export function typeCheckWorkspace(root: string): { packages: string[]; errors: string[] } {
  const configs = readWorkspace(root)
    .packages.filter((pkg) => scriptOf(pkg.manifest, "check-types") !== undefined)
    .map((pkg) => {
      const script = scriptOf(pkg.manifest, "check-types");
      if (script !== CHECK_TYPES)
        throw new Error(`${pkg.manifestPath}: check-types is "${script}", not ${CHECK_TYPES}`);
      return { dir: pkg.dir, parsed: parseConfig(path.join(root, pkg.dir, "tsconfig.json")) };
    });
  const [first, ...others] = configs;
  if (!first) throw new Error(`no workspace package in ${root} has a check-types script`);
  for (const other of others) {
    if (!isDeepStrictEqual(comparable(other.parsed.options), comparable(first.parsed.options))) {
      throw new Error(`${other.dir}/tsconfig.json's compiler options differ from ${first.dir}'s: check it alone`);
    }
  }
  // Type directives ("types": ["node"]) resolve from the first package's folder, as its own tsc would.
  const program = ts.createProgram({
    rootNames: configs.flatMap((config) => config.parsed.fileNames),
    options: first.parsed.options,
  });
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  };
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trim());
  return { packages: configs.map((config) => config.dir), errors };
}

function scriptOf(manifest: object, name: string): unknown {
  return (manifest as { scripts?: Record<string, unknown> }).scripts?.[name];
}

function parseConfig(file: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`${file} cannot be read`);
  const problems = parsed.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`);
  return parsed;
}

/** The options without where they were read from. */
function comparable(options: ts.CompilerOptions): ts.CompilerOptions {
  const { configFilePath: _file, pathsBasePath: _base, ...rest } = options;
  return rest;
}
