import { type Env, envValue, UsageError } from "@repo/devkit/cli";
import { runCommand } from "@repo/devkit/process";
import { BuildahEngine } from "./buildah.ts";
import { DockerEngine } from "./docker.ts";
import type { ContainerEngine, EngineName } from "./types.ts";

export const ENGINE_CHOICES = ["auto", "docker", "buildah"] as const satisfies readonly (EngineName | "auto")[];
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** --engine, else CONTAINER_ENGINE, else auto; anything else is a usage error naming where it came from. */
export function engineChoice(flag: string | undefined, env: Env): EngineChoice {
  const value = flag ?? envValue(env, "CONTAINER_ENGINE") ?? "auto";
  if ((ENGINE_CHOICES as readonly string[]).includes(value)) return value as EngineChoice;
  const source = flag !== undefined ? "--engine" : "CONTAINER_ENGINE";
  throw new UsageError(`${source}: "${value}" is not one of ${ENGINE_CHOICES.join(", ")}`);
}

export interface EngineProbes {
  /** `docker info` succeeds: a daemon answers (the CLI alone is not enough). */
  dockerDaemonAnswers(): Promise<boolean>;
  buildahInstalled(): Promise<boolean>;
}

/** Docker when a daemon answers, buildah otherwise; an explicit choice is checked, not trusted. */
export async function chooseEngine(choice: EngineChoice, probes: EngineProbes): Promise<EngineName> {
  if (choice === "docker") {
    if (await probes.dockerDaemonAnswers()) return "docker";
    throw new Error("--engine docker: no Docker daemon answers (`docker info` failed); start Docker or use buildah");
  }
  if (choice === "buildah") {
    if (await probes.buildahInstalled()) return "buildah";
    throw new Error("--engine buildah: buildah is not installed (Debian/Ubuntu: apt-get install buildah)");
  }
  if (await probes.dockerDaemonAnswers()) return "docker";
  if (await probes.buildahInstalled()) return "buildah";
  throw new Error(
    "no container engine: no Docker daemon answers (`docker info` failed) and buildah is not installed " +
      "(Debian/Ubuntu: apt-get install buildah)",
  );
}

/** The probes, run for real: the `docker` and `buildah` found on env.PATH. */
export function commandProbes(env: NodeJS.ProcessEnv = process.env): EngineProbes {
  const succeeds = async (command: string, args: string[]) => {
    try {
      return (await runCommand(command, args, { env, timeoutMs: 20_000 })).exitCode === 0;
    } catch {
      return false; // not installed
    }
  };
  return {
    dockerDaemonAnswers: () => succeeds("docker", ["info", "--format", "{{.ServerVersion}}"]),
    buildahInstalled: () => succeeds("buildah", ["--version"]),
  };
}

export function createEngine(name: EngineName): ContainerEngine {
  return name === "docker" ? new DockerEngine() : new BuildahEngine();
}

/** Picks and creates the engine in one step. */
export async function detectEngine(
  choice: EngineChoice = "auto",
  probes: EngineProbes = commandProbes(),
): Promise<ContainerEngine> {
  return createEngine(await chooseEngine(choice, probes));
}
