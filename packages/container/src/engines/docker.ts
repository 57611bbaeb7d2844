import { spawn } from "node:child_process";
import { exitOf, runChecked, runCommand } from "@repo/devkit/process";
import { freePort } from "../free-port.ts";
import { parseCmdline, parseStatus } from "../proc.ts";
import { awaitStop, buildRequestArgs, collectOutput } from "./container-process.ts";
import { readImageConfig } from "./image-config.ts";
import { digestFromPushOutput, registryHost } from "./registry-ref.ts";
import type { BuildRequest, ContainerEngine, ImageInfo, RunningContainer, RunRequest } from "./types.ts";

/** The Docker CLI against a running daemon (BuildKit builds: the Dockerfile's cache mount needs it). */
export class DockerEngine implements ContainerEngine {
  readonly name = "docker" as const;

  async build(request: BuildRequest): Promise<void> {
    await runChecked("docker", dockerBuildArgs(request), {
      cwd: request.contextDir,
      onLine: request.onLine,
      env: { ...process.env, DOCKER_BUILDKIT: "1" },
    });
  }

  async inspectImage(image: string): Promise<ImageInfo> {
    let inspected = await runCommand("docker", ["image", "inspect", image]);
    if (inspected.exitCode !== 0) {
      // BuildKit keeps the FROM images in its own cache, not in the image store: fetch the base to measure it.
      await runChecked("docker", ["pull", "--quiet", image]);
      inspected = await runChecked("docker", ["image", "inspect", image]);
    }
    return imageInfoFromDockerInspect(JSON.parse(inspected.stdout));
  }

  async run(request: RunRequest): Promise<RunningContainer> {
    const hostPort = await freePort();
    const { stdout } = await runChecked("docker", dockerCreateArgs(request, hostPort));
    const id = stdout.trim();
    const startedAt = performance.now();
    try {
      await runChecked("docker", ["start", id]);
    } catch (error) {
      await runCommand("docker", ["rm", "--force", id]);
      throw error;
    }
    const follower = spawn("docker", ["logs", "--follow", id], { stdio: ["ignore", "pipe", "pipe"] });
    const logs = collectOutput(follower, request);
    // `docker wait` prints the exit code once the container stops.
    const exited = runCommand("docker", ["wait", id]).then(({ stdout: code }) => {
      const parsed = Number.parseInt(code.trim(), 10);
      return Number.isNaN(parsed) ? null : parsed;
    });

    let removed = false;
    return {
      hostPort,
      startedAt,
      exited,
      recentLogs: () => logs.list(),
      async mainProcess() {
        const status = await runChecked("docker", ["exec", id, "cat", "/proc/1/status"]);
        const cmdline = await runChecked("docker", ["exec", id, "cat", "/proc/1/cmdline"]);
        return { uid: parseStatus(status.stdout).uid, argv: parseCmdline(cmdline.stdout), isPid1: true };
      },
      async stop(timeoutMs: number) {
        // The image's STOPSIGNAL, as `docker stop` and ECS send it; SIGKILL only after the timeout.
        const { stdout: stopSignal } = await runChecked("docker", [
          "inspect",
          "--format",
          "{{.Config.StopSignal}}",
          id,
        ]);
        const started = performance.now();
        await runChecked("docker", ["kill", "--signal", stopSignal.trim() || "SIGTERM", id]);
        return awaitStop(exited, started, timeoutMs, () => runCommand("docker", ["kill", id]));
      },
      async remove() {
        if (removed) return;
        removed = true;
        await runChecked("docker", ["rm", "--force", id]);
        follower.kill();
        await exitOf(follower);
      },
    };
  }

  async pull(image: string): Promise<void> {
    registryHost(image); // a clear error for a reference without a registry host
    // Docker treats 127.0.0.0/8 registries as insecure (plain HTTP) by default, and no other.
    if ((await runCommand("docker", ["image", "inspect", image])).exitCode !== 0) {
      await runChecked("docker", ["pull", "--quiet", image]);
    }
  }

  async push(image: string, registryRef: string): Promise<string> {
    registryHost(registryRef); // a clear error for a reference without a registry host
    await runChecked("docker", ["tag", image, registryRef]);
    const { stdout } = await runChecked("docker", ["push", registryRef]);
    return digestFromPushOutput(stdout);
  }
}

export function dockerBuildArgs(request: BuildRequest): string[] {
  return ["build", "--progress=plain", ...buildRequestArgs(request)];
}

export function dockerCreateArgs(request: RunRequest, hostPort: number): string[] {
  const env = { ...request.env, PORT: String(request.containerPort) };
  return [
    "create",
    // Published on loopback only: the test talks to it from this machine.
    "--publish",
    `127.0.0.1:${hostPort}:${request.containerPort}`,
    ...(request.user === undefined ? [] : ["--user", request.user]),
    ...(request.readOnlyRootFilesystem ? ["--read-only"] : []),
    ...Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]),
    request.image,
  ];
}

interface DockerInspect {
  Size?: unknown;
  RootFS?: { Layers?: unknown };
  Config?: Parameters<typeof readImageConfig>[0];
}

/** Reads `docker image inspect` output (an array with one image). Docker gives the total size, not per layer. */
export function imageInfoFromDockerInspect(inspect: DockerInspect[]): ImageInfo {
  const image = inspect[0];
  const layers = image?.RootFS?.Layers;
  if (!image || typeof image.Size !== "number" || !Array.isArray(layers)) {
    throw new Error("unexpected `docker image inspect` output: no Size or RootFS.Layers");
  }
  return {
    sizeBytes: image.Size,
    layers: layers.map((diffId: unknown) => ({ diffId: String(diffId), sizeBytes: null })),
    ...readImageConfig(image.Config),
  };
}
