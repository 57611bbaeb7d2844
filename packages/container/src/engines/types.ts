/** The container engines this tool drives. Docker when a daemon answers, buildah otherwise. */
export type EngineName = "docker" | "buildah";

export interface BuildRequest {
  /** Build context: the repository root (the Dockerfile prunes the workspace itself). */
  contextDir: string;
  /** Path of the Dockerfile, absolute or relative to contextDir. */
  dockerfile: string;
  /** Name given to the built image, e.g. localhost/sample-service:container-test. */
  tag: string;
  buildArgs: Readonly<Record<string, string>>;
  /** Build every step anew instead of reusing cached layers. */
  noCache?: boolean;
  /** Progress: each line the engine prints. */
  onLine?: (line: string) => void;
}

/** What the engine knows about a stored image. */
export interface ImageInfo {
  /** Uncompressed size in bytes. */
  sizeBytes: number;
  /** Layers, base first: uncompressed digest (diff ID) and, where the engine tells, uncompressed size. */
  layers: ImageLayer[];
  user: string;
  entrypoint: string[];
  cmd: string[];
  exposedPorts: number[];
  stopSignal: string;
}

export interface ImageLayer {
  diffId: string;
  sizeBytes: number | null;
}

export interface RunRequest {
  image: string;
  /** Port the service listens on inside the container (the image's PORT). */
  containerPort: number;
  /** Extra environment for the container. */
  env: Readonly<Record<string, string>>;
  /** Who the main process runs as (uid, uid:gid or a name, as a task definition's `user`); default: the image's USER. */
  user?: string;
  /** The root file system is read-only, as a task definition's `readonlyRootFilesystem: true` asks. */
  readOnlyRootFilesystem?: boolean;
  /** Each line the container prints. */
  onLine?: (line: string) => void;
}

/** The container's main process, as the kernel sees it. */
export interface MainProcess {
  /** Real uid of the process. */
  uid: number;
  /** Its command line. */
  argv: string[];
  /** True when it is PID 1 of its own PID namespace (Docker); buildah's chroot isolation shares the host's. */
  isPid1: boolean;
}

export interface StopResult {
  /** Exit code; null when the process did not exit in time and was killed. */
  exitCode: number | null;
  /** Milliseconds from the stop signal to the exit (or to the kill). */
  elapsedMs: number;
  timedOut: boolean;
}

export interface RunningContainer {
  /** Port on 127.0.0.1 where the service answers. */
  readonly hostPort: number;
  /** performance.now() just before the container was started. */
  readonly startedAt: number;
  /** Settles when the container exits on its own (e.g. it crashed while starting). */
  readonly exited: Promise<number | null>;
  mainProcess(): Promise<MainProcess>;
  /** Sends the image's stop signal to the main process; kills it when it is still running after `timeoutMs`. */
  stop(timeoutMs: number): Promise<StopResult>;
  /** The container's last output lines. */
  recentLogs(): string[];
  /** Removes the container (killing it if still running). Safe to call more than once. */
  remove(): Promise<void>;
}

/** The engine-specific part of building, running, measuring and pushing an image. */
export interface ContainerEngine {
  readonly name: EngineName;
  build(request: BuildRequest): Promise<void>;
  inspectImage(image: string): Promise<ImageInfo>;
  run(request: RunRequest): Promise<RunningContainer>;
  /**
   * Makes a registry image (e.g. 127.0.0.1:5000/sample-service@sha256:...) available to run: pulled unless the engine
   * already stores it (plain HTTP is allowed only for loopback registries).
   */
  pull(image: string): Promise<void>;
  /**
   * Pushes `image` to `registryRef` (e.g. 127.0.0.1:5000/sample-service:abc123; plain HTTP is allowed only for
   * loopback registries) and returns the pushed manifest digest (sha256:...).
   */
  push(image: string, registryRef: string): Promise<string>;
}
