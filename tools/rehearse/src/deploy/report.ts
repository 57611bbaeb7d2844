// The Deploy rehearsal's summary for a person: the verdict, what was played with which settings, each step with its
// timing and traffic, the requests, and how the tasks stopped.
import { BREAK_DESCRIPTIONS, describeStop } from "./deployment.ts";
import type { DeployRehearsal } from "./rehearse-deploy.ts";

const ENGINE_NAMES = { codedeploy: "CodeDeploy blue/green", ecs: "ECS blue/green" } as const;

export function formatDeploySummary(result: DeployRehearsal): string {
  const { settings, traffic } = result;
  const check = settings.healthCheck;
  const verdict =
    result.outcome === "succeeded" ? "SUCCEEDED" : result.outcome === "rolled back" ? "ROLLED BACK" : "FAILED";
  const sameImage = result.images.blue === result.images.green;
  const rows: [string, string][] = [
    ["images", `green ${result.images.green}; blue ${sameImage ? "the same image" : result.images.blue}`],
    [
      "tasks",
      `${result.tasksPerSet} per task set with ${settings.containerEngine}: user ${settings.task.user ?? "(image's)"}, ` +
        `${settings.task.readOnlyRootFilesystem ? "read-only" : "writable"} root file system, stop timeout ${settings.task.stopTimeoutSeconds} s, ` +
        `container port ${settings.task.containerPort} (each task on a free loopback port: host network, not awsvpc)`,
    ],
    [
      "load balancer",
      `haproxy ${result.loadBalancer.haproxy}: production ${result.loadBalancer.production}, test ${result.loadBalancer.test}`,
    ],
    [
      "target groups",
      `GET ${check.path} every ${check.intervalSeconds} s, timeout ${check.timeoutSeconds} s, healthy after ${check.healthyThreshold}, ` +
        `unhealthy after ${check.unhealthyThreshold} (matcher ${check.matcher}); deregistration delay ${settings.deregistrationDelaySeconds} s; ` +
        `grace period ${settings.healthCheckGracePeriodSeconds} s`,
    ],
    ["test traffic hook", settings.hook ?? "none"],
    [
      "requests",
      `${traffic.sent} sent in ${traffic.seconds.toFixed(1)} s, ${result.during.sent} of them during the deployment; ${traffic.failed} failed${
        traffic.failed > 0
          ? ` (${Object.entries(traffic.failures)
              .map(([why, count]) => `${count} × ${why}`)
              .join(", ")})`
          : ""
      }`,
    ],
  ];
  if (result.reason) rows.unshift(["reason", result.reason]);
  if (result.breaks) rows.unshift(["--break", `${result.breaks}: ${BREAK_DESCRIPTIONS[result.breaks]}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const stepRows = result.steps.map((step) => {
    const counted = traffic.steps.find((entry) => entry.step === step.name);
    const served =
      counted && counted.sent > 0
        ? ` [${counted.sent} sent, ${counted.failed} failed, ${share(counted.green, counted.blue + counted.green)} green]`
        : "";
    return `    ${step.startSeconds.toFixed(1).padStart(6)} s  ${step.seconds.toFixed(1).padStart(5)} s  ${step.name}: ${step.detail}${served}`;
  });
  return [
    `Rehearsal of ${result.service}'s Deploy stage (${ENGINE_NAMES[result.engine]}: ${result.explanation}; waits ÷ ${result.timeScale}): ${verdict}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    "  steps (start, duration, step: what happened [requests sent during it, failed, share served by green])",
    ...stepRows,
    `  ${"stops".padEnd(width)}  ${result.stops.map((stop) => `${stop.name} ${describeStop(stop.stop)}`).join("; ")}`,
    `  ${"total".padEnd(width)}  ${result.totalSeconds.toFixed(1)} s, exit code ${result.exitCode}`,
  ].join("\n");
}

function share(part: number, whole: number): string {
  return whole === 0 ? "-" : `${((100 * part) / whole).toFixed(0)}%`;
}
