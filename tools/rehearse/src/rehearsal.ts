import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chooseEngine, commandProbes, type EngineChoice, type EngineName } from "@repo/container";
import { copyProjectFiles } from "@repo/devkit/files";
import { BUILD_VARIABLES } from "@repo/service-contract";
import { collectArtifacts, replaceFolder } from "./artifacts.ts";
import { type BuildEvent, type CommandFailure, type PhaseOutcome, runBuildspec } from "./build-runner.ts";
import { type Buildspec, BuildspecError, type PhaseName, parseBuildspec } from "./buildspec.ts";
import { DEFAULT_REGION, imageEnvironment, projectEnvironment, rehearsedServiceNames } from "./project-env.ts";
import { type LocalRegistry, startLocalRegistry, useExistingRegistry } from "./registry.ts";
import { rehearsedService } from "./rehearsed-service.ts";
import { installShims } from "./shims/install.ts";
import { type SourceVersion, sourceVersion } from "./source-version.ts";
import { verifyArtifacts } from "./verify.ts";

export interface RehearsalRequest {
  repoRoot: string;
  service: string | undefined;
  engine: EngineChoice;
  baseImage: string | undefined;
  /** An existing loopback registry (host:port); undefined: start docker-registry. */
  registry: string | undefined;
  /** Artifact folder; undefined: <repoRoot>/.artifacts/rehearsal/<service>. */
  out: string | undefined;
  keepRegistry: boolean;
  region: string | undefined;
  /** This machine's environment (the build image's environment is filtered from it). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  log: (message: string) => void;
  onBuildEvent: (event: BuildEvent) => void;
  /** After the artifacts are verified and in place, while the registry still runs (the Deploy rehearsal pulls from it). */
  whileRegistryRuns?: (result: RehearsalResult) => Promise<void>;
  signal?: AbortSignal;
}

export interface RehearsalResult {
  service: string;
  source: SourceVersion;
  engine: EngineName;
  registry: { address: string; started: boolean; kept: boolean; pid: number | undefined; logFile: string | undefined };
  imageUri: string;
  digest: string;
  imageTag: string;
  artifactsDir: string;
  artifacts: string[];
  exportedVariables: Record<string, string>;
  phases: { phase: PhaseName; seconds: number; commands: number }[];
  notes: string[];
  totalSeconds: number;
}

/** The build failed: what failed first, and everything that failed (post_build may fail after build did). */
export class BuildFailure extends Error {
  constructor(
    readonly failures: CommandFailure[],
    readonly phases: PhaseOutcome[],
    readonly keptScratch: string | undefined,
  ) {
    const first = failures[0] as CommandFailure;
    super(
      `phase ${first.phase} failed at command ${first.index} (${first.title}): ` +
        (first.exitCode === null ? `killed by ${first.signal}` : `exit code ${first.exitCode}`),
    );
    this.name = "BuildFailure";
  }
}

/** Runs the whole rehearsal: scratch copy, registry, buildspec phases, artifacts, verification. */
export async function rehearse(request: RehearsalRequest): Promise<RehearsalResult> {
  const started = performance.now();
  const { repoRoot, log } = request;
  const service = rehearsedService(repoRoot, request.service);
  const { manifest } = service;
  const engine = await chooseEngine(request.engine, commandProbes());
  const source = await sourceVersion(repoRoot);
  const names = rehearsedServiceNames(repoRoot, manifest.name);
  const artifactsDir = path.resolve(request.out ?? path.join(repoRoot, ".artifacts", "rehearsal", manifest.name));
  log(
    `rehearsing ${manifest.name}: buildspec.yml on a scratch copy of ${repoRoot} at ${source.commit.slice(0, 7)}` +
      `${source.dirty ? " + uncommitted changes" : ""}, engine ${engine}`,
  );

  const work = await mkdtemp(path.join(tmpdir(), `rehearse-${manifest.name}-`));
  const sourceDir = path.join(work, "src");
  let registry: LocalRegistry | undefined;
  let keepWork = false;
  try {
    const copied = copyProjectFiles(repoRoot, sourceDir);
    log(`scratch copy: ${copied.files} files (${(copied.bytes / 1e6).toFixed(1)} MB) in ${sourceDir}`);
    const buildspec = await readBuildspec(sourceDir);
    const notes = [...buildspec.notes, ...runtimeNotes(buildspec)];
    for (const note of notes) log(`note: ${note}`);

    registry = request.registry
      ? await useExistingRegistry(request.registry)
      : await startLocalRegistry({
          storageDir: path.join(repoRoot, ".cache", "rehearse", "registry"),
          // A kept registry outlives the scratch folder: its config and log go next to its storage.
          workDir: request.keepRegistry
            ? path.join(repoRoot, ".cache", "rehearse", "kept-registry")
            : path.join(work, "registry"),
          keep: request.keepRegistry,
        });
    log(
      request.registry
        ? `registry: ${registry.address} (given with --registry)`
        : `registry: docker-registry on ${registry.address} (pid ${registry.pid}, storage .cache/rehearse/registry)`,
    );

    const binDir = path.join(work, "bin");
    await installShims(binDir);
    const project = projectEnvironment({
      service,
      names,
      registry: registry.address,
      commit: source.commit,
      sourceDir,
      region: request.region || DEFAULT_REGION,
      buildId: `${names.buildProject}:${randomUUID()}`,
      nodeImage: request.baseImage,
    });

    const outcome = await runBuildspec({
      buildspec,
      sourceDir,
      stateDir: path.join(work, "state"),
      imageEnvironment: imageEnvironment(request.hostEnv, { binDir, engine }),
      projectEnvironment: project,
      onEvent: request.onBuildEvent,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (!outcome.succeeded) {
      keepWork = true;
      throw new BuildFailure(outcome.failures, outcome.phases, work);
    }

    if (!buildspec.artifacts)
      throw new Error("buildspec.yml has no artifacts section: the Deploy stage would get nothing");
    const imageTag = outcome.environment.IMAGE_TAG;
    if (!imageTag) throw new Error("the build exported no IMAGE_TAG: cannot find the pushed image in the registry");
    // Collected next to the target (same file system), checked, and only then put in place of the last rehearsal's.
    const staged = `${artifactsDir}.staging-${process.pid}`;
    await rm(staged, { recursive: true, force: true });
    try {
      const files = await collectArtifacts(sourceDir, buildspec.artifacts, staged);
      const image = await verifyArtifacts(staged, {
        repositoryUri: project[BUILD_VARIABLES.repositoryUri] as string,
        imageTag,
        family: names.taskFamily,
        containerName: names.container,
        containerPort: manifest.port,
        afterAllowTestTrafficHook: project[BUILD_VARIABLES.testTrafficHook],
      });
      log(`verified: ${registry.address} serves ${manifest.name}:${imageTag} as ${image.digest} (imageDetail.json)`);
      await replaceFolder(staged, artifactsDir);
      const result: RehearsalResult = {
        service: manifest.name,
        source,
        engine,
        registry: {
          address: registry.address,
          started: request.registry === undefined,
          kept: request.registry === undefined && request.keepRegistry,
          pid: registry.pid,
          logFile: registry.logFile,
        },
        imageUri: image.imageUri,
        digest: image.digest,
        imageTag,
        artifactsDir,
        artifacts: files,
        exportedVariables: Object.fromEntries(
          buildspec.exportedVariables.map((name) => [name, outcome.environment[name] ?? ""]),
        ),
        phases: outcome.phases.map((phase) => ({
          phase: phase.phase,
          seconds: phase.durationMs / 1000,
          commands: phase.commandsRun,
        })),
        notes,
        totalSeconds: (performance.now() - started) / 1000,
      };
      await request.whileRegistryRuns?.(result);
      return result;
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  } finally {
    await registry?.stop();
    if (!keepWork) await rm(work, { recursive: true, force: true });
  }
}

async function readBuildspec(sourceDir: string): Promise<Buildspec> {
  const file = path.join(sourceDir, "buildspec.yml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new BuildspecError("buildspec.yml: not found at the repository root");
  }
  return parseBuildspec(text, "buildspec.yml");
}

/**
 * install.runtime-versions, as CodeBuild selects them: the Node.js major buildspec.yml asks for must be the one that
 * runs here (the buildspec's commands use this machine's node), or the rehearsal would prove another runtime. Other
 * runtimes are not selected here; a note says so.
 */
export function runtimeNotes(buildspec: Buildspec, nodeVersion: string = process.versions.node): string[] {
  const notes: string[] = [];
  for (const [runtime, version] of Object.entries(buildspec.phases.install?.runtimeVersions ?? {})) {
    if (runtime === "nodejs") {
      if (version.split(".")[0] !== nodeVersion.split(".")[0]) {
        throw new BuildspecError(
          `buildspec.yml: phases.install.runtime-versions asks for nodejs ${version}, but the rehearsal runs on ` +
            `Node ${nodeVersion}; run it on Node ${version} (\`nvm use\` reads .nvmrc)`,
        );
      }
    } else {
      notes.push(`runtime-versions ${runtime}: ${version} is not selected here; the machine's own ${runtime} is used`);
    }
  }
  return notes;
}
