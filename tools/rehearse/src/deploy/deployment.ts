// The Deploy stage, played step by step as the service's engine runs it, against HAProxy on loopback and real tasks,
// while a load generator keeps sending requests; on a failure, the engine's rollback.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { StopResult } from "@repo/container";
import { freePort } from "@repo/container";
import { SMOKE_TEST_ENV } from "@repo/lambdas";
import { PLATFORM_ENVIRONMENT } from "@repo/service-contract";
import { type CodeDeployEndpoint, startCodeDeployEndpoint } from "./codedeploy-endpoint.ts";
import { type Haproxy, startHaproxy } from "./haproxy.ts";
import { type ListenerName, renderHaproxyConfig } from "./haproxy-config.ts";
import { LoadBalancer } from "./load-balancer.ts";
import { BEFORE_THE_STEPS, LoadGenerator, type TrafficReport } from "./load-generator.ts";
import type { DeployPlan } from "./plan.ts";
import { productionPath } from "./production-path.ts";
import { HealthCheckFailure, retire, waitHealthy } from "./target-lifecycle.ts";
import type { TaskRunSettings } from "./task-definition.ts";
import { type StoppedTask, type TaskLauncher, TaskSet } from "./task-set.ts";
import { BROKEN_SMOKE_TEST_PATH, runTestTrafficHook } from "./test-traffic-hook.ts";
import type { Side, Weights } from "./topology.ts";

/** The traffic after the last step (the final state, before the tasks are taken down). */
const AFTER_THE_STEPS = "after the deployment";

/** What `--break` can break. */
export const BREAKS = ["health", "smoke-test"] as const;
export type Break = (typeof BREAKS)[number];

/** --break health: the green task set's health endpoint moves here, so its target group's check answers 404. */
export const BROKEN_HEALTH_CHECK_PATH = "/rehearsal-broken-health-check";

export const BREAK_DESCRIPTIONS: Record<Break, string> = {
  health: `the green tasks get ${PLATFORM_ENVIRONMENT.healthCheckPath}=${BROKEN_HEALTH_CHECK_PATH}, so their target group's health check is answered 404, as for a release that moved its health endpoint`,
  "smoke-test": `the test-traffic hook checks ${BROKEN_SMOKE_TEST_PATH} (its ${SMOKE_TEST_ENV.healthPath}), which green does not serve`,
};

/** Exit codes of a Deploy rehearsal, next to the CLI's own (0 ok, 1 the rehearsal failed, 2 usage, 130 interrupted). */
export const DEPLOY_EXIT = {
  /** Rolled back: the green task set did not pass its target group's health checks. */
  healthChecks: 3,
  /** Rolled back: the test-traffic hook (the smoke test) failed. */
  testTrafficHook: 4,
  /** Requests failed during the deployment (or too few were sent to tell). */
  traffic: 5,
} as const;

export interface DeployRequest {
  plan: DeployPlan;
  launcher: TaskLauncher;
  /** The image the blue (production) task set runs; default: the new one. */
  blueImage: string | undefined;
  breaks: Break | undefined;
  /** Every configured wait (shift intervals, bake time, ECS's callBackDelay) is divided by it. */
  timeScale: number;
  load: { connections: number; rate: number };
  /** Fewer requests than this during the deployment prove nothing: the verdict fails. */
  minRequests: number;
  region: string;
  log: (message: string) => void;
  onTaskLine: (task: string, line: string) => void;
  signal?: AbortSignal;
}

export interface StepRecord {
  name: string;
  startSeconds: number;
  seconds: number;
  detail: string;
}

export interface DeployResult {
  service: string;
  engine: DeployPlan["engine"];
  explanation: string;
  timeScale: number;
  outcome: "succeeded" | "rolled back" | "failed";
  breaks: Break | undefined;
  /** Why it rolled back or failed. */
  reason: string | undefined;
  exitCode: number;
  images: Record<Side, string>;
  tasksPerSet: number;
  loadBalancer: { haproxy: string; production: string; test: string };
  steps: StepRecord[];
  traffic: TrafficReport;
  /** The requests sent from the first step of the deployment to its last (the verdict's count). */
  during: { sent: number; failed: number };
  stops: (StoppedTask & { side: Side })[];
  totalSeconds: number;
}

class Rollback extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = "Rollback";
  }
}

/** Plays the deployment. Throws only when the rehearsal itself cannot go on (a tool missing, blue never healthy). */
export async function playDeployment(request: DeployRequest): Promise<DeployResult> {
  const { plan, log } = request;
  const { topology } = plan;
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const steps: StepRecord[] = [];
  const work = await mkdtemp(path.join(tmpdir(), `rehearse-deploy-${plan.service}-`));
  let haproxy: Haproxy | undefined;
  let codeDeploy: CodeDeployEndpoint | undefined;
  let load: LoadGenerator | undefined;
  const taskSets: Partial<Record<Side, TaskSet>> = {};
  const stops: DeployResult["stops"] = [];

  const step = async <T>(name: string, action: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const startSeconds = since();
    log(`${name} ...`);
    load?.mark(name);
    const record = (detail: string) => {
      const seconds = since() - startSeconds;
      steps.push({ name, startSeconds, seconds, detail });
      return seconds;
    };
    try {
      const { value, detail } = await action();
      log(`${name}: ${detail} (${record(detail).toFixed(1)} s)`);
      return value;
    } catch (error) {
      if (error instanceof Rollback) record(`FAILED: ${error.message}`);
      throw error;
    }
  };
  const wait = (minutes: number) =>
    sleep((minutes * 60_000) / request.timeScale, undefined, { signal: request.signal });
  const scaled = (minutes: number) =>
    `${minutes} min ÷ ${request.timeScale} = ${((minutes * 60) / request.timeScale).toFixed(1)} s`;

  try {
    const ports = { production: await freePort(), test: await freePort() };
    const socket = path.join(work, "haproxy.sock");
    const configFile = path.join(work, "haproxy.cfg");
    await writeFile(
      configFile,
      renderHaproxyConfig({
        targetGroups: topology.targetGroups,
        listeners: topology.listeners,
        ports,
        slots: topology.desiredCount,
        idleTimeoutSeconds: topology.idleTimeoutSeconds,
        socket,
      }),
    );
    haproxy = await startHaproxy({
      configFile,
      socket,
      // HAProxy's own word on a target's health changes (its alerts otherwise, which the rehearsal reports itself).
      onLine: (line) => {
        const change = /Server (target-group-\S+ is (UP|DOWN), reason: [^.]*)/.exec(line);
        if (change) log(`  haproxy | ${change[1]}`);
      },
    });
    const urls = { production: `http://127.0.0.1:${ports.production}`, test: `http://127.0.0.1:${ports.test}` };
    log(
      `haproxy ${haproxy.version}: production listener ${urls.production}, test listener ${urls.test} (${configFile})`,
    );
    const initialWeights: Record<ListenerName, Weights> = {
      production: topology.listeners.production.weights,
      test: topology.listeners.test.weights,
    };
    const balancer = new LoadBalancer(haproxy, initialWeights);
    if (plan.engine === "codedeploy" && plan.hook) codeDeploy = await startCodeDeployEndpoint();

    const images = { blue: request.blueImage ?? plan.task.image, green: plan.task.image };
    const settings: Record<Side, TaskRunSettings> = {
      blue: { ...plan.task, image: images.blue },
      green:
        request.breaks === "health"
          ? {
              ...plan.task,
              environment: {
                ...plan.task.environment,
                [PLATFORM_ENVIRONMENT.healthCheckPath]: BROKEN_HEALTH_CHECK_PATH,
              },
            }
          : plan.task,
    };

    if (request.breaks) log(`--break ${request.breaks}: ${BREAK_DESCRIPTIONS[request.breaks]}`);

    const startTaskSet = async (side: Side) => {
      const taskSet = await TaskSet.start(
        request.launcher,
        side,
        settings[side],
        topology.desiredCount,
        request.onTaskLine,
      );
      taskSets[side] = taskSet;
      const registeredAt = performance.now();
      for (const [index, task] of taskSet.tasks.entries()) await balancer.register(side, index, task.hostPort);
      await waitHealthy(balancer, taskSet, topology, registeredAt, request.signal);
      return {
        value: taskSet,
        detail: `${taskSet.tasks.length} tasks healthy in target group ${topology.targetGroups[side].logicalId} (ports ${taskSet.tasks.map((task) => task.hostPort).join(", ")})`,
      };
    };

    await step("blue task set (production, before the deployment)", () => startTaskSet("blue"));
    const route = productionPath(topology.listeners.production);
    load = LoadGenerator.start({
      url: `${urls.production}${route.path}`,
      ...(route.host ? { host: route.host } : {}),
      ...request.load,
    });
    log(
      `load: ${request.load.connections} keep-alive connections, ${request.load.rate} requests/s on GET ${urls.production}${route.path}`,
    );
    await sleep(1000, undefined, { signal: request.signal });

    const names = STAGE_NAMES[plan.engine];
    let outcome: DeployResult["outcome"] = "succeeded";
    let reason: string | undefined;
    let exitCode = 0;
    let shifted = false;
    try {
      await step(names.install, async () => {
        try {
          return await startTaskSet("green");
        } catch (error) {
          if (error instanceof HealthCheckFailure) throw new Rollback(DEPLOY_EXIT.healthChecks, error.message);
          throw error;
        }
      });
      await step(names.testTraffic, async () => {
        await balancer.setWeights("test", { blue: 0, green: 100 });
        return { value: undefined, detail: `test listener: 100% to green` };
      });
      const hook = plan.hook;
      if (hook) {
        await step(names.hook, async () => {
          const result = await runTestTrafficHook({
            engine: plan.engine,
            fn: hook,
            testListener: { port: topology.listeners.test.port, url: urls.test },
            region: request.region,
            timeScale: request.timeScale,
            codeDeploy,
            breakSmokeTest: request.breaks === "smoke-test",
            log,
            ...(request.signal ? { signal: request.signal } : {}),
          });
          if (!result.passed)
            throw new Rollback(
              DEPLOY_EXIT.testTrafficHook,
              `the test-traffic hook ${hook.functionName} failed: ${result.detail}`,
            );
          return {
            value: undefined,
            detail: `${hook.functionName}: ${result.detail}, ${result.invocations} invocation(s)`,
          };
        });
      }
      for (const shift of plan.shifts) {
        shifted = true;
        await step(`${names.shift} ${shift.percent}%`, async () => {
          await balancer.setWeights("production", { blue: 100 - shift.percent, green: shift.percent });
          if (shift.waitMinutes > 0) await wait(shift.waitMinutes);
          return {
            value: undefined,
            detail: `production: ${shift.percent}% green, ${100 - shift.percent}% blue${shift.waitMinutes > 0 ? `, then ${scaled(shift.waitMinutes)}` : ""}`,
          };
        });
      }
      const bake = plan.timing.bakeTimeInMinutes ?? 0;
      await step(names.bake, async () => {
        await wait(bake);
        return { value: undefined, detail: `blue kept running, ready for a rollback: ${scaled(bake)}` };
      });
      const blue = taskSets.blue as TaskSet;
      await step(names.cleanUp, async () => {
        const detail = await retire(balancer, blue, topology.targetGroups.blue.deregistrationDelaySeconds);
        stops.push(...(await blue.stop()).map((stop) => ({ ...stop, side: "blue" as const })));
        return {
          value: undefined,
          detail: `${detail}; ${describeStops(stops.filter((stop) => stop.side === "blue"))}`,
        };
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      outcome = "rolled back";
      reason = error.message;
      exitCode = error.exitCode;
      log(`ROLLBACK: ${reason}`);
      await step("rollback", async () => {
        await balancer.setWeights("production", initialWeights.production);
        await balancer.setWeights("test", initialWeights.test);
        const green = taskSets.green;
        let detail = `${shifted ? "production back" : "production stayed"} on blue, the test listener as before`;
        if (green) {
          detail += `; green: ${await retire(balancer, green, topology.targetGroups.green.deregistrationDelaySeconds)}`;
          const greenStops = (await green.stop()).map((stop) => ({ ...stop, side: "green" as const }));
          stops.push(...greenStops);
          detail += `; ${describeStops(greenStops)}`;
        }
        return { value: undefined, detail };
      });
    }
    // A moment of traffic on the final state, then the load stops before the rehearsal takes the tasks down.
    load.mark(AFTER_THE_STEPS);
    await sleep(1000, undefined, { signal: request.signal });
    const traffic = await load.stop();
    load = undefined;
    const serving: Side = outcome === "succeeded" ? "green" : "blue";
    const survivor = taskSets[serving];
    if (survivor) stops.push(...(await survivor.stop()).map((stop) => ({ ...stop, side: serving })));

    const during = traffic.steps
      .filter((entry) => entry.step !== BEFORE_THE_STEPS && entry.step !== AFTER_THE_STEPS)
      .reduce((sum, entry) => ({ sent: sum.sent + entry.sent, failed: sum.failed + entry.failed }), {
        sent: 0,
        failed: 0,
      });
    if (traffic.failed > 0) {
      exitCode = DEPLOY_EXIT.traffic;
      reason = `${reason ? `${reason}; and ` : ""}${traffic.failed} of ${traffic.sent} requests failed (${describeFailures(traffic)})`;
      if (outcome === "succeeded") outcome = "failed";
    } else if (during.sent < request.minRequests) {
      exitCode = DEPLOY_EXIT.traffic;
      reason = `${reason ? `${reason}; and ` : ""}only ${during.sent} requests were sent during the deployment, fewer than the ${request.minRequests} a verdict needs (--min-requests)`;
      if (outcome === "succeeded") outcome = "failed";
    }
    return {
      service: plan.service,
      engine: plan.engine,
      explanation: plan.explanation,
      timeScale: request.timeScale,
      outcome,
      breaks: request.breaks,
      reason,
      exitCode,
      images,
      tasksPerSet: topology.desiredCount,
      loadBalancer: { haproxy: haproxy.version, ...urls },
      steps,
      traffic,
      during,
      stops,
      totalSeconds: since(),
    };
  } finally {
    await load?.stop();
    await Promise.all(Object.values(taskSets).map((taskSet) => taskSet?.remove()));
    await haproxy?.stop();
    await codeDeploy?.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The engine's own names for the steps. */
const STAGE_NAMES = {
  codedeploy: {
    install: "Install (replacement task set)",
    testTraffic: "AllowTestTraffic",
    hook: "AfterAllowTestTraffic",
    shift: "AllowTraffic",
    bake: "termination wait",
    cleanUp: "original task set terminated",
  },
  ecs: {
    install: "SCALE_UP (green service revision)",
    testTraffic: "TEST_TRAFFIC_SHIFT",
    hook: "POST_TEST_TRAFFIC_SHIFT",
    shift: "PRODUCTION_TRAFFIC_SHIFT",
    bake: "BAKE_TIME",
    cleanUp: "CLEAN_UP",
  },
} as const;

function describeStops(stops: readonly StoppedTask[]): string {
  return stops.map(({ name, stop }) => `${name} ${describeStop(stop)}`).join(", ");
}

export function describeStop(stop: StopResult): string {
  return stop.timedOut
    ? `killed after the stop timeout (${(stop.elapsedMs / 1000).toFixed(1)} s)`
    : `exited ${stop.exitCode} ${(stop.elapsedMs / 1000).toFixed(1)} s after SIGTERM`;
}

function describeFailures(traffic: TrafficReport): string {
  return Object.entries(traffic.failures)
    .map(([why, count]) => `${count} × ${why}`)
    .join(", ");
}
