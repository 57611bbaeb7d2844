// The `docker` the buildspec's commands find on PATH during a rehearsal (see ./install.ts and ../../README.md).
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createEngine, type EngineName, isLoopbackRegistry } from "@repo/container";
import { buildxMetadata, engineBuildPlan, parseDockerArgs } from "./docker.ts";
import { readAllStdin, runShim, shimEnvironment } from "./runtime.ts";

// A rehearsal is stopped by signalling the running command's whole process group, so the engine gets the signal
// itself and removes its working containers. This process must outlive it: were it to die first, the engine would
// lose its output pipe and exit without cleaning up.
let stopSignal: NodeJS.Signals | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopSignal = signal;
  });
}

await runShim(async () => {
  const { engineName } = shimEnvironment();
  const invocation = parseDockerArgs(process.argv.slice(2), process.env);
  switch (invocation.kind) {
    case "login": {
      // The local registry has no authentication: read the password as docker would, and succeed.
      if (invocation.passwordStdin && (await readAllStdin()).trim() === "") {
        process.stderr.write("Error: the password on stdin is empty (docker login --password-stdin)\n");
        return 1;
      }
      process.stderr.write(
        `rehearse: docker login ${invocation.server ?? ""} accepted (the local registry needs no login)\n`,
      );
      process.stdout.write("Login Succeeded\n");
      return 0;
    }
    case "buildx-create": {
      process.stderr.write(
        "rehearse: docker buildx create is a no-op here: the local engine builds directly and keeps its own layer cache\n",
      );
      process.stdout.write(`${invocation.name ?? "rehearse"}\n`);
      return 0;
    }
    case "buildx-build":
      return await build(engineName, invocation.build);
  }
});

async function build(
  engineName: EngineName,
  buildx: Extract<ReturnType<typeof parseDockerArgs>, { kind: "buildx-build" }>["build"],
): Promise<number> {
  const plan = engineBuildPlan(buildx, process.cwd());
  for (const ref of plan.pushTo) {
    if (!isLoopbackRegistry(ref)) {
      process.stderr.write(
        `rehearse: --tag ${ref} --push: the rehearsal pushes only to a registry on 127.0.0.1 (REPOSITORY_URI ` +
          "should name the local registry); does the buildspec name a registry of its own?\n",
      );
      return 1;
    }
  }
  if (buildx.ignoredFlags.length > 0) {
    process.stderr.write(
      `rehearse: ${buildx.ignoredFlags.join(", ")} ignored: the local engine (${engineName}) keeps its own layer cache\n`,
    );
  }
  const engine = createEngine(engineName);
  const buildArgs = Object.entries(plan.request.buildArgs)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  process.stderr.write(`rehearse: ${engineName} build of ${plan.request.dockerfile} as ${plan.request.tag}`);
  process.stderr.write(buildArgs ? ` (build args: ${buildArgs})\n` : "\n");
  const containersBefore = engineName === "buildah" ? buildahContainers() : [];
  try {
    await engine.build({ ...plan.request, onLine: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    if (stopSignal) {
      if (engineName === "buildah") reportLeftoverContainers(containersBefore);
      throw new Error(`the image build was stopped (${stopSignal})`);
    }
    // The engine's output is already on screen, line by line: its first line (command and exit code) is enough.
    throw new Error(`the image build failed: ${(error as Error).message.split("\n")[0]}`);
  }

  const stale = engineName === "buildah" ? staleBuildArgEnv(plan.request.tag, plan.request.buildArgs) : [];
  if (stale.length > 0) {
    // buildah 1.28 keys its layer cache on a step's unexpanded text, so `ENV X=${X}` is reused from a build with
    // another value of the build argument X (BuildKit, which CodeBuild runs, keys on the value). Build anew.
    process.stderr.write(
      `rehearse: buildah reused cached layers built with other build-arg values (${stale.join(", ")}); building without the cache\n`,
    );
    await engine.build({ ...plan.request, noCache: true, onLine: (line) => process.stderr.write(`${line}\n`) });
    const stillStale = staleBuildArgEnv(plan.request.tag, plan.request.buildArgs);
    if (stillStale.length > 0)
      throw new Error(`the built image's environment disagrees with its build args: ${stillStale.join(", ")}`);
  }

  let digest: string | undefined;
  for (const ref of plan.pushTo) {
    process.stderr.write(`rehearse: pushing ${plan.request.tag} to ${ref}\n`);
    const pushed = await engine.push(plan.request.tag, ref);
    if (digest !== undefined && pushed !== digest) {
      throw new Error(`pushing ${ref} gave digest ${pushed}, but the first tag got ${digest}`);
    }
    digest = pushed;
    process.stderr.write(`rehearse: pushed ${ref}@${pushed}\n`);
  }
  if (plan.metadataFile !== undefined) {
    // Like buildx: the file's folder must exist (the buildspec creates it).
    await writeFile(plan.metadataFile, buildxMetadata(buildx.tags, digest));
  }
  return 0;
}

/** Build args whose same-named ENV in the built image holds another value, as `NAME (image: X, build arg: Y)`. */
function staleBuildArgEnv(image: string, buildArgs: Readonly<Record<string, string>>): string[] {
  const inspect = JSON.parse(
    execFileSync("buildah", ["inspect", "--type", "image", image], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
  ) as { OCIv1?: { config?: { Env?: string[] } } };
  const imageEnv = new Map(
    (inspect.OCIv1?.config?.Env ?? []).map((entry) => {
      const equals = entry.indexOf("=");
      return [entry.slice(0, equals), entry.slice(equals + 1)] as const;
    }),
  );
  return Object.entries(buildArgs)
    .filter(([name, value]) => imageEnv.has(name) && imageEnv.get(name) !== value)
    .map(([name, value]) => `${name} (image: ${imageEnv.get(name)}, build arg: ${value})`);
}

function buildahContainers(): string[] {
  try {
    return execFileSync("buildah", ["containers", "--quiet", "--notruncate"], { encoding: "utf8" })
      .split("\n")
      .filter((id) => id.length > 0);
  } catch {
    return [];
  }
}

/**
 * buildah (1.28, Debian bookworm's) leaves the working containers of a build stopped by a signal behind. They cannot
 * be told apart from those of another build running at the same time, so they are named, not removed.
 */
function reportLeftoverContainers(before: readonly string[]): void {
  const known = new Set(before);
  const appeared = buildahContainers().filter((id) => !known.has(id));
  if (appeared.length === 0) return;
  const ids = appeared.map((id) => id.slice(0, 12)).join(" ");
  process.stderr.write(
    `rehearse: buildah leaves the working containers of a stopped build behind; these appeared during this build: ${ids}\n` +
      `rehearse: remove them, once no other build runs on this machine, with: buildah rm ${ids}\n`,
  );
}
