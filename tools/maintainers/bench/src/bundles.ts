// Every server the bench runs is bundled the way the service ships (its own scripts/build.ts options): one file,
// run by `node`, so module loading costs the service and the baseline the same.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";

const BASELINE_ENTRY = fileURLToPath(new URL("./baseline/hello-express.ts", import.meta.url));

interface ServiceBuildScript {
  bundleOptions(outfile?: string): BuildOptions;
}

/** The service's own bundling options, from apps/<service>/scripts/build.ts (`bundleOptions(outfile)`). */
export async function serviceBundleOptions(repoRoot: string, service: string, outfile: string): Promise<BuildOptions> {
  const script = path.join(repoRoot, "apps", service, "scripts", "build.ts");
  let module: Partial<ServiceBuildScript>;
  try {
    module = (await import(pathToFileURL(script).href)) as Partial<ServiceBuildScript>;
  } catch (error) {
    throw new Error(`cannot load ${path.relative(repoRoot, script)}: ${(error as Error).message}`);
  }
  if (typeof module.bundleOptions !== "function") {
    throw new Error(
      `${path.relative(repoRoot, script)} does not export bundleOptions(outfile): the bench bundles with it`,
    );
  }
  return module.bundleOptions(outfile);
}

/** Bundles the service into `outfile` (not its dist/: the developer's build is left alone). */
export async function bundleService(
  repoRoot: string,
  service: string,
  outfile: string,
  plugins: Plugin[] = [],
): Promise<void> {
  const options = await serviceBundleOptions(repoRoot, service, outfile);
  await build({ ...options, outfile, plugins: [...(options.plugins ?? []), ...plugins], logLevel: "warning" });
}

/** Bundles the bare Express baseline with the service's options, so both are loaded the same way. */
export async function bundleBaseline(repoRoot: string, service: string, outfile: string): Promise<void> {
  const options = await serviceBundleOptions(repoRoot, service, outfile);
  await build({
    ...options,
    entryPoints: [BASELINE_ENTRY],
    outfile,
    // Express resolves from this package (the service's copy is the same catalog version).
    nodePaths: [fileURLToPath(new URL("../node_modules", import.meta.url))],
    logLevel: "warning",
  });
}

/**
 * An esbuild plugin that replaces a module imported from `importedFrom` (a folder) with `contents`: the middleware
 * profile changes one piece of the service at a time without editing its source.
 */
export function replaceModule(name: string, filter: RegExp, contents: string, importedFrom: string): Plugin {
  return {
    name: `bench-replace-${name}`,
    setup(builder) {
      builder.onResolve({ filter }, (args) =>
        // Only the service's own import: a dependency may have a module of the same name.
        !args.importer.startsWith(importedFrom)
          ? undefined
          : {
              path: name,
              namespace: "bench-replaced",
              // The replacement's own imports resolve from where the replaced module was imported.
              pluginData: { resolveDir: args.resolveDir },
            },
      );
      builder.onLoad({ filter: /.*/, namespace: "bench-replaced" }, (args) =>
        args.path === name
          ? { contents, loader: "js", resolveDir: (args.pluginData as { resolveDir: string }).resolveDir }
          : undefined,
      );
    },
  };
}
