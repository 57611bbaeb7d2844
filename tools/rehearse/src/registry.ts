import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, isLoopbackRegistry } from "@repo/container";

/** The manifest types a registry may answer with; asking for both is what `docker pull` does. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

/** docker-registry's configuration: filesystem storage, HTTP on loopback only, no access log noise. */
export function registryConfig(options: { storageDir: string; port: number }): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(options.storageDir)}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${options.port}`,
    "",
  ].join("\n");
}

/** GET /v2/ on the registry: its HTTP status, or the connection error's message. */
export async function pingRegistry(address: string): Promise<{ status: number } | { error: string }> {
  try {
    const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? (error as Error).message };
  }
}

/** Waits until GET /v2/ answers 200; fails early when `exited` settles first (the registry died). */
export async function waitForRegistry(
  address: string,
  options: { timeoutMs: number; exited?: Promise<unknown> },
): Promise<void> {
  let died = false;
  void options.exited?.then(() => {
    died = true;
  });
  const deadline = Date.now() + options.timeoutMs;
  let last: Awaited<ReturnType<typeof pingRegistry>> = { error: "not asked yet" };
  while (Date.now() < deadline) {
    last = await pingRegistry(address);
    if ("status" in last && last.status === 200) return;
    if (died) throw new Error(`the registry at ${address} exited before answering`);
    await sleep(100);
  }
  const seen = "status" in last ? `HTTP ${last.status}` : last.error;
  throw new Error(
    `the registry at ${address} did not answer GET /v2/ with 200 within ${options.timeoutMs} ms (${seen})`,
  );
}

/** The digest the registry serves `reference` (a tag or digest) of `repository` under (Docker-Content-Digest). */
export async function manifestDigest(
  address: string,
  repository: string,
  reference: string,
): Promise<{ status: number; digest: string | undefined }> {
  const response = await fetch(`http://${address}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  return { status: response.status, digest: response.headers.get("docker-content-digest") ?? undefined };
}

export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:41234. */
  readonly address: string;
  /** The registry process this run started; undefined for a registry given with --registry. */
  readonly pid: number | undefined;
  readonly logFile: string | undefined;
  /** Stops a registry this run started (kept: leaves it running). */
  stop(): Promise<void>;
}

/** A registry already running (--registry HOST:PORT): checked, never stopped. */
export async function useExistingRegistry(address: string): Promise<LocalRegistry> {
  if (!/^[^/\s]+:\d+$/.test(address)) throw new Error(`--registry ${address}: expected HOST:PORT, e.g. 127.0.0.1:5000`);
  if (!isLoopbackRegistry(`${address}/probe`)) {
    throw new Error(
      `--registry ${address}: the rehearsal pushes over plain HTTP, so only a registry on this machine's loopback (127.0.0.1, localhost, [::1]) is accepted`,
    );
  }
  await waitForRegistry(address, { timeoutMs: 3_000 });
  return { address, pid: undefined, logFile: undefined, stop: async () => {} };
}

export interface StartRegistryOptions {
  /** Blob and manifest storage; kept between runs, so a warm rehearsal pushes only new layers. */
  storageDir: string;
  /** Config file and log go here. */
  workDir: string;
  /** Leave it running after the rehearsal (started in its own session so it outlives this process). */
  keep: boolean;
  /** The binary (Debian: docker-registry). */
  command?: string;
}

/** Starts Debian's `docker-registry serve` on a free loopback port and waits until /v2/ answers 200. */
export async function startLocalRegistry(options: StartRegistryOptions): Promise<LocalRegistry> {
  await mkdir(options.storageDir, { recursive: true });
  await mkdir(options.workDir, { recursive: true });
  const logFile = path.join(options.workDir, "registry.log");
  // Another process can take the free port between the probe and the registry's bind: try a few ports.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = path.join(options.workDir, "registry.yml");
    await writeFile(configFile, registryConfig({ storageDir: options.storageDir, port }));
    const logFd = openSync(logFile, "w");
    let child: ChildProcess;
    try {
      child = spawn(options.command ?? "docker-registry", ["serve", configFile], {
        stdio: ["ignore", logFd, logFd],
        detached: options.keep,
      });
    } finally {
      closeSync(logFd);
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once("error", () => resolve(null));
      child.once("exit", (code) => resolve(code));
    });
    const spawnError = new Promise<Error | undefined>((resolve) => {
      child.once("error", resolve);
      child.once("spawn", () => resolve(undefined));
    });
    const failedToSpawn = await spawnError;
    if (failedToSpawn) {
      throw new Error(
        (failedToSpawn as NodeJS.ErrnoException).code === "ENOENT"
          ? "docker-registry is not installed (Debian/Ubuntu: apt-get install docker-registry), or pass --registry HOST:PORT"
          : `could not start docker-registry: ${failedToSpawn.message}`,
      );
    }
    const address = `127.0.0.1:${port}`;
    try {
      await waitForRegistry(address, { timeoutMs: 15_000, exited });
    } catch (error) {
      stopChild(child);
      await exited;
      const log = await readFile(logFile, "utf8").catch(() => "");
      if (attempt < 3 && /address already in use/.test(log)) continue;
      const tail = log.trim().split("\n").slice(-10).join("\n  ");
      throw new Error(`${(error as Error).message}${tail ? `; its log (${logFile}):\n  ${tail}` : ""}`);
    }
    return {
      address,
      pid: child.pid,
      logFile,
      async stop() {
        if (options.keep) {
          child.unref();
          return;
        }
        stopChild(child);
        // An unref'd timer: the grace period must not keep this process alive once the registry has exited.
        const outcome = await Promise.race([
          exited.then(() => "exited" as const),
          sleep(5_000, "timeout" as const, { ref: false }),
        ]);
        if (outcome === "timeout") {
          child.kill("SIGKILL");
          await exited;
        }
      },
    };
  }
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}
