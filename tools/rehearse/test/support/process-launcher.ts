// The tests' task launcher: a task as a plain Node process of the sample service, not a container. It runs the file
// the image runs (dist/server.js, bundled by the service's own scripts/build.ts, once per launcher) and honours the
// task definition's environment, the port (PORT, a free one) and the stop timeout; not its image, user or read-only
// root file system, which only the container launcher plays (CI's `pnpm rehearse --deploy` run).
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "@repo/container";
import { exitOf, followOutput, raceTimeout } from "@repo/devkit/process";
import { PLATFORM_ENVIRONMENT } from "@repo/service-contract";
import type { TaskLauncher } from "../../src/deploy/task-set.ts";

interface ServiceBuildScript {
  bundle(outfile: string): Promise<void>;
}

/** `outDir` holds the bundle; the caller removes it. */
export function processLauncher(repoRoot: string, outDir: string): TaskLauncher {
  let bundled: Promise<string> | undefined;
  const bundle = async () => {
    const script = path.join(repoRoot, "apps", "sample-service", "scripts", "build.ts");
    const { bundle } = (await import(pathToFileURL(script).href)) as ServiceBuildScript;
    const server = path.join(outDir, "dist", "server.js");
    await bundle(server);
    return server;
  };
  return async ({ settings, onLine }) => {
    bundled ??= bundle();
    const server = await bundled;
    const hostPort = await freePort();
    const child = spawn(process.execPath, [server], {
      env: { PATH: process.env.PATH, ...settings.environment, [PLATFORM_ENVIRONMENT.port]: String(hostPort) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const logs = followOutput(child, onLine);
    const exited = exitOf(child).then(({ exitCode }) => exitCode);
    return {
      hostPort,
      exited,
      recentLogs: () => logs.list(),
      async stop(timeoutMs) {
        const started = performance.now();
        child.kill("SIGTERM");
        const outcome = await raceTimeout(exited, timeoutMs);
        if (outcome === "timeout") {
          child.kill("SIGKILL");
          await exited;
          return { exitCode: null, elapsedMs: performance.now() - started, timedOut: true };
        }
        return { exitCode: outcome, elapsedMs: performance.now() - started, timedOut: false };
      },
      async remove() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      },
    };
  };
}
