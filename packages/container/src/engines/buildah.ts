import { spawn } from "node:child_process";
import { mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, runChecked, runCommand } from "@repo/devkit/process";
import { freePort } from "../free-port.ts";
import { findMainProcess, isBuildahHelper, type ProcessEntry, readProcessTable } from "../proc.ts";
import { awaitStop, buildRequestArgs, collectOutput } from "./container-process.ts";
import { readImageConfig, signalName, startCommand } from "./image-config.ts";
import { isDigest, isLoopbackRegistry } from "./registry-ref.ts";
import type { BuildRequest, ContainerEngine, ImageInfo, RunningContainer, RunRequest } from "./types.ts";

/**
 * buildah without a daemon. `chroot` isolation works as root where OCI runtimes cannot set up cgroups (CI machines,
 * nested VMs); BUILDAH_ISOLATION chooses another. With chroot isolation the container shares the host's network
 * and PID namespace: the service listens on a free host port, and its process is visible in the host's /proc.
 */
export class BuildahEngine implements ContainerEngine {
  readonly name = "buildah" as const;

  constructor(private readonly isolation: string = process.env.BUILDAH_ISOLATION || "chroot") {}

  async build(request: BuildRequest): Promise<void> {
    await runChecked("buildah", buildahBuildArgs(request, this.isolation), {
      cwd: request.contextDir,
      onLine: request.onLine,
    });
  }

  async inspectImage(image: string): Promise<ImageInfo> {
    const { stdout } = await runChecked("buildah", ["inspect", "--type", "image", image]);
    return imageInfoFromBuildahInspect(JSON.parse(stdout));
  }

  async run(request: RunRequest): Promise<RunningContainer> {
    const config = await this.inspectImage(request.image);
    const command = startCommand(config);
    const { stdout } = await runChecked("buildah", ["from", "--pull=never", "--quiet", request.image]);
    const container = stdout.trim();
    const hostPort = await freePort();
    let argv: string[];
    try {
      const readOnlyRoot = request.readOnlyRootFilesystem ? await prepareReadOnlyRoot(container) : undefined;
      argv = buildahRunCommand(request, { isolation: this.isolation, container, hostPort, command, readOnlyRoot });
    } catch (error) {
      await runCommand("buildah", ["rm", container]);
      throw error;
    }
    const startedAt = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const logs = collectOutput(child, request);
    const exited = exitOf(child).then(({ exitCode }) => exitCode);
    const rootPid = child.pid;
    if (rootPid === undefined) {
      await runCommand("buildah", ["rm", container]);
      throw new Error("`buildah run` did not start");
    }

    const findMain = async (): Promise<ProcessEntry> => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const main = findContainerProcess(readProcessTable(), rootPid);
        if (main) return main;
        await sleep(100);
      }
      throw new Error(`no process of container ${container} found under \`buildah run\` (pid ${rootPid})`);
    };

    let removed = false;
    const running: RunningContainer = {
      hostPort,
      startedAt,
      exited,
      recentLogs: () => logs.list(),
      async mainProcess() {
        const main = await findMain();
        return { uid: main.uid, argv: main.argv, isPid1: false };
      },
      async stop(timeoutMs: number) {
        const main = await findMain();
        const started = performance.now();
        // What the runtime does on `docker stop` / an ECS task stop: the image's STOPSIGNAL to the main process.
        process.kill(main.pid, signalName(config.stopSignal));
        return awaitStop(exited, started, timeoutMs, () => killQuietly(main.pid));
      },
      async remove() {
        if (removed) return;
        removed = true;
        if (child.exitCode === null && child.signalCode === null) {
          const main = findContainerProcess(readProcessTable(), rootPid);
          if (main) killQuietly(main.pid);
          else child.kill("SIGKILL");
          await exited;
        }
        // `buildah rm` while `buildah run` is still cleaning up makes buildah panic: remove only after it exited.
        await runChecked("buildah", ["rm", container]);
      },
    };
    return running;
  }

  async pull(image: string): Promise<void> {
    await runChecked("buildah", buildahPullArgs(image));
  }

  async push(image: string, registryRef: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "buildah-push-"));
    try {
      const digestFile = path.join(dir, "digest");
      await runChecked("buildah", buildahPushArgs(image, registryRef, digestFile));
      const digest = (await readFile(digestFile, "utf8")).trim();
      if (!isDigest(digest)) throw new Error(`buildah push wrote no digest (got "${digest}")`);
      return digest;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

export function buildahBuildArgs(request: BuildRequest, isolation: string): string[] {
  return [
    "bud",
    "--isolation",
    isolation,
    // Keep every step's layer: the next build reuses them (the install layer above all).
    "--layers",
    // A failed build would otherwise leave its working container behind.
    "--force-rm",
    ...buildRequestArgs(request),
  ];
}

export function buildahPullArgs(image: string): string[] {
  return ["pull", "--policy", "missing", `--tls-verify=${!isLoopbackRegistry(image)}`, "--quiet", image];
}

export interface BuildahRunContext {
  isolation: string;
  /** The working container (`buildah from`). */
  container: string;
  /** The free host port the service listens on (chroot isolation shares the host's network). */
  hostPort: number;
  /** ENTRYPOINT + CMD. */
  command: string[];
  /** The container's mounted root, when it is to be read-only (see prepareReadOnlyRoot). */
  readOnlyRoot: string | undefined;
}

/**
 * The command that runs the container. A read-only root file system (buildah run has no flag for it) is made in a
 * mount namespace of the run's own: the mounted root is bind-mounted onto itself read-only, and /run becomes a tiny
 * tmpfs owned by root (mode 0755), because buildah must remove its /run/.containerenv mount point when the command
 * exits (on a read-only /run it panics and loses the exit code). A non-root user can write nowhere, as on ECS; a
 * task running as root could still write to /run.
 */
export function buildahRunCommand(request: RunRequest, context: BuildahRunContext): string[] {
  const env = { ...request.env, PORT: String(context.hostPort) };
  const run = [
    "buildah",
    "run",
    "--isolation",
    context.isolation,
    ...(request.user === undefined ? [] : ["--user", request.user]),
    ...Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]),
    context.container,
    "--",
    ...context.command,
  ];
  if (context.readOnlyRoot === undefined) return run;
  return [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    READ_ONLY_ROOT,
    "sh",
    context.readOnlyRoot,
    ...run,
  ];
}

const READ_ONLY_ROOT = [
  "set -e",
  'root="$1"; shift',
  'mount --bind "$root" "$root"',
  'mount -o remount,bind,ro "$root"',
  'mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev tmpfs "$root/run"',
  ': > "$root/run/.containerenv"',
  'exec "$@"',
].join("\n");

/** Files and folders buildah mounts over when it runs a command: they must exist before the root turns read-only. */
const RUN_MOUNT_POINTS = { files: ["etc/hosts", "etc/resolv.conf"], folders: ["run"] } as const;

/** Mounts the working container's root (`buildah mount`) and creates the mount points buildah needs; returns the root. */
async function prepareReadOnlyRoot(container: string): Promise<string> {
  const root = (await runChecked("buildah", ["mount", container])).stdout.trim();
  for (const folder of RUN_MOUNT_POINTS.folders) await mkdir(path.join(root, folder), { recursive: true });
  for (const file of RUN_MOUNT_POINTS.files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    // The flag "a" creates an empty file and leaves an existing one as it is.
    await (await open(path.join(root, file), "a")).close();
  }
  return root;
}

/**
 * The container's main process under the `buildah run` started as `rootPid`; none while `rootPid` is still the
 * read-only wrapper (its mount commands are not the container's).
 */
function findContainerProcess(processes: readonly ProcessEntry[], rootPid: number): ProcessEntry | undefined {
  const root = processes.find((entry) => entry.pid === rootPid);
  if (!root || !isBuildahHelper(root)) return undefined;
  return findMainProcess(processes, rootPid, isBuildahHelper);
}

export function buildahPushArgs(image: string, registryRef: string, digestFile: string): string[] {
  const tlsVerify = !isLoopbackRegistry(registryRef);
  return ["push", `--tls-verify=${tlsVerify}`, "--digestfile", digestFile, image, `docker://${registryRef}`];
}

interface BuildahInspect {
  Manifest?: string;
  OCIv1?: { config?: Parameters<typeof readImageConfig>[0]; rootfs?: { diff_ids?: string[] } };
}

/**
 * Reads `buildah inspect --type image` output. Layer sizes come from the stored manifest; they are the uncompressed
 * sizes only where the manifest's layer digest is the layer's diff ID (images built or committed locally), so other
 * layers (a pulled base stored compressed) get no size.
 */
export function imageInfoFromBuildahInspect(inspect: BuildahInspect): ImageInfo {
  const diffIds = inspect.OCIv1?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || typeof inspect.Manifest !== "string") {
    throw new Error("unexpected `buildah inspect` output: no OCIv1.rootfs.diff_ids or Manifest");
  }
  const manifest = JSON.parse(inspect.Manifest) as { layers?: { digest: string; size: number }[] };
  const manifestLayers = manifest.layers ?? [];
  if (manifestLayers.length !== diffIds.length) {
    throw new Error(
      `unexpected \`buildah inspect\` output: ${manifestLayers.length} manifest layers, ${diffIds.length} diff IDs`,
    );
  }
  const layers = diffIds.map((diffId, index) => {
    const stored = manifestLayers[index];
    return { diffId, sizeBytes: stored && stored.digest === diffId ? stored.size : null };
  });
  return {
    sizeBytes: manifestLayers.reduce((sum, layer) => sum + layer.size, 0),
    layers,
    ...readImageConfig(inspect.OCIv1?.config),
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
