import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  argDefault,
  type ContainerEngine,
  type EngineName,
  type ImageSizes,
  type MainProcess,
  type RunningContainer,
  type StopResult,
  splitImageSize,
  waitForHealthy,
} from "@repo/container";
import { loadServiceManifest } from "@repo/service-contract";

export interface ContainerTestOptions {
  repoRoot: string;
  service: string;
  engine: ContainerEngine;
  /** Base image for the Dockerfile's NODE_IMAGE; undefined keeps the Dockerfile's default. */
  baseImage: string | undefined;
  tag: string;
  buildArgs: Readonly<Record<string, string>>;
  healthTimeoutMs: number;
  /** Undefined: service.json's stopTimeoutSeconds (what ECS waits before SIGKILL). */
  stopTimeoutMs: number | undefined;
  /** Progress messages. */
  log: (message: string) => void;
  /** Build output and container output, line by line. */
  onOutput: (line: string) => void;
  /** Told about the container once it runs (a caller that is interrupted can remove it). */
  onContainer?: (container: RunningContainer) => void;
}

export interface ContainerTestResult {
  service: string;
  engine: EngineName;
  image: string;
  baseImage: string;
  buildMs: number;
  sizes: ImageSizes;
  healthUrl: string;
  startToHealthyMs: number;
  mainProcess: MainProcess;
  stop: StopResult;
  stopTimeoutMs: number;
}

/** A check the image failed, with the container's last output lines when it ran. */
export class ContainerTestFailure extends Error {
  constructor(
    message: string,
    readonly logs: readonly string[] = [],
  ) {
    super(message);
    this.name = "ContainerTestFailure";
  }
}

/** Builds the service's image, runs it and checks health, user, PID-1 command and clean SIGTERM exit. */
export async function runContainerTest(options: ContainerTestOptions): Promise<ContainerTestResult> {
  const { repoRoot, service, engine, log } = options;
  const serviceDir = path.join(repoRoot, "apps", service);
  const manifest = loadServiceManifest(path.join(serviceDir, "service.json"));
  const dockerfile = path.join(serviceDir, "Dockerfile");
  if (!existsSync(dockerfile)) throw new ContainerTestFailure(`${path.relative(repoRoot, dockerfile)} does not exist`);
  const baseImage =
    options.baseImage ??
    argDefault(readFileSync(dockerfile, "utf8"), "NODE_IMAGE", path.relative(repoRoot, dockerfile));
  const stopTimeoutMs = options.stopTimeoutMs ?? manifest.stopTimeoutSeconds * 1000;

  log(`building ${options.tag} with ${engine.name} (base ${baseImage})`);
  const buildStarted = performance.now();
  await engine.build({
    contextDir: repoRoot,
    dockerfile: path.relative(repoRoot, dockerfile),
    tag: options.tag,
    buildArgs: {
      ...options.buildArgs,
      SERVICE: service,
      ...(options.baseImage ? { NODE_IMAGE: options.baseImage } : {}),
    },
    onLine: options.onOutput,
  });
  const buildMs = performance.now() - buildStarted;
  log(`built in ${(buildMs / 1000).toFixed(1)} s`);

  const sizes = splitImageSize(await engine.inspectImage(options.tag), await engine.inspectImage(baseImage));

  log("starting the container");
  const container = await engine.run({
    image: options.tag,
    containerPort: manifest.port,
    env: manifest.environment,
    onLine: (line) => options.onOutput(`[container] ${line}`),
  });
  options.onContainer?.(container);
  try {
    const healthUrl = `http://127.0.0.1:${container.hostPort}${manifest.healthCheckPath}`;
    await waitForHealthy({ url: healthUrl, timeoutMs: options.healthTimeoutMs, exited: container.exited }).catch(
      (error: Error) => {
        throw new ContainerTestFailure(error.message, container.recentLogs());
      },
    );
    const startToHealthyMs = performance.now() - container.startedAt;
    log(`healthy after ${Math.round(startToHealthyMs)} ms`);

    const mainProcess = await container.mainProcess();
    checkMainProcess(mainProcess, container);

    log("sending SIGTERM");
    const stop = await container.stop(stopTimeoutMs);
    checkStop(stop, stopTimeoutMs, container);

    return {
      service,
      engine: engine.name,
      image: options.tag,
      baseImage,
      buildMs,
      sizes,
      healthUrl,
      startToHealthyMs,
      mainProcess,
      stop,
      stopTimeoutMs,
    };
  } finally {
    await container.remove();
  }
}

export function checkMainProcess(main: MainProcess, container: Pick<RunningContainer, "recentLogs">): void {
  if (main.uid === 0) {
    throw new ContainerTestFailure(
      `the service runs as root (uid 0): the image must switch to a non-root USER (\`${main.argv.join(" ")}\`)`,
      container.recentLogs(),
    );
  }
  if (path.basename(main.argv[0] ?? "") !== "node") {
    throw new ContainerTestFailure(
      `the container's main process is \`${main.argv.join(" ")}\`, not node: use an exec-form CMD ["node", ...] ` +
        "so that node itself receives SIGTERM",
      container.recentLogs(),
    );
  }
}

export function checkStop(
  stop: StopResult,
  stopTimeoutMs: number,
  container: Pick<RunningContainer, "recentLogs">,
): void {
  if (stop.timedOut) {
    throw new ContainerTestFailure(
      `the service did not exit within ${stopTimeoutMs} ms of SIGTERM and was killed ` +
        "(ECS would SIGKILL it too): finish in-flight requests, close the server and exit",
      container.recentLogs(),
    );
  }
  if (stop.exitCode !== 0) {
    throw new ContainerTestFailure(
      `the service exited with code ${stop.exitCode} after SIGTERM; a clean shutdown exits 0`,
      container.recentLogs(),
    );
  }
}
