import { type ServiceDeployment, ServiceDeploymentStatus, type ServiceRevision } from "@aws-sdk/client-ecs";
import type { ImageReference } from "@repo/create-new-task-def";

/** Statuses after which ECS changes nothing more about a service deployment. */
const ENDED: ReadonlySet<string> = new Set([
  ServiceDeploymentStatus.SUCCESSFUL,
  ServiceDeploymentStatus.STOPPED,
  ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL,
  ServiceDeploymentStatus.ROLLBACK_FAILED,
]);

/** Statuses of a deployment still on its way forward (not stopping, not rolling back). */
const MOVING_FORWARD: ReadonlySet<string> = new Set([
  ServiceDeploymentStatus.PENDING,
  ServiceDeploymentStatus.IN_PROGRESS,
]);

export function hasEnded(deployment: ServiceDeployment): boolean {
  return ENDED.has(deployment.status ?? "");
}

export function isMovingForward(deployment: ServiceDeployment): boolean {
  return MOVING_FORWARD.has(deployment.status ?? "");
}

export function succeeded(deployment: ServiceDeployment): boolean {
  return deployment.status === ServiceDeploymentStatus.SUCCESSFUL;
}

/** Whether the revision runs `image` in `container` (ECS records the image as given and the digest it resolved). */
export function runsImage(
  revision: ServiceRevision,
  container: string,
  image: { uri: string; reference: ImageReference },
): boolean {
  const entry = revision.containerImages?.find((candidate) => candidate.containerName === container);
  if (!entry) return false;
  if (entry.image === image.uri) return true;
  return image.reference.digest !== undefined && entry.imageDigest === image.reference.digest;
}

/** One line of what a person needs to see: status, stage, tasks, traffic, hooks, failure monitors. */
export function describeProgress(deployment: ServiceDeployment): string {
  const parts = [deployment.status ?? "UNKNOWN"];
  if (deployment.lifecycleStage) parts.push(`stage ${deployment.lifecycleStage}`);
  const target = deployment.targetServiceRevision;
  if (target?.requestedTaskCount !== undefined) {
    const pending = target.pendingTaskCount ? ` (${target.pendingTaskCount} pending)` : "";
    parts.push(`new revision ${target.runningTaskCount ?? 0}/${target.requestedTaskCount} tasks running${pending}`);
  }
  if (target?.requestedTestTrafficWeight !== undefined)
    parts.push(`test traffic ${target.requestedTestTrafficWeight}%`);
  if (target?.requestedProductionTrafficWeight !== undefined) {
    parts.push(`production traffic ${target.requestedProductionTrafficWeight}%`);
  }
  for (const hook of deployment.lifecycleHookDetails ?? []) {
    parts.push(`hook ${hook.targetArn ?? hook.hookId ?? hook.targetType} ${hook.status}`);
  }
  const breaker = deployment.deploymentCircuitBreaker;
  if (breaker?.failureCount)
    parts.push(`circuit breaker ${breaker.failureCount}/${breaker.threshold ?? "?"} failed tasks`);
  const triggered = deployment.alarms?.triggeredAlarmNames ?? [];
  if (triggered.length > 0) parts.push(`alarm ${triggered.join(", ")} in ALARM`);
  return parts.join(", ");
}

/** Why ECS ended a deployment without success, in ECS's own words plus the monitor that fired. */
export function failureReason(deployment: ServiceDeployment): string {
  const reasons: string[] = [];
  const triggered = deployment.alarms?.triggeredAlarmNames ?? [];
  if (triggered.length > 0) reasons.push(`CloudWatch alarm ${triggered.join(", ")} went into ALARM`);
  const breaker = deployment.deploymentCircuitBreaker;
  if (breaker?.status === "TRIGGERED") {
    reasons.push(
      `the deployment circuit breaker triggered: ${breaker.failureCount ?? "?"} tasks failed to start or to become healthy (threshold ${breaker.threshold ?? "?"})`,
    );
  }
  for (const hook of deployment.lifecycleHookDetails ?? []) {
    if (hook.status === "FAILED" || hook.status === "TIMED_OUT") {
      const what = hook.status === "FAILED" ? "failed" : `timed out (${hook.timeoutAction ?? "ROLLBACK"} on timeout)`;
      reasons.push(`lifecycle hook ${hook.targetArn ?? hook.hookId ?? hook.targetType} ${what}`);
    }
  }
  if (deployment.statusReason) reasons.push(`ECS says: ${deployment.statusReason}`);
  if (deployment.rollback?.reason && deployment.rollback.reason !== deployment.statusReason) {
    reasons.push(`rollback reason: ${deployment.rollback.reason}`);
  }
  if (reasons.length === 0) reasons.push("ECS gave no reason");
  const stage = deployment.lifecycleStage ? ` at stage ${deployment.lifecycleStage}` : "";
  const restored = deployment.rollback?.serviceRevisionArn
    ? `; production runs the previous service revision ${deployment.rollback.serviceRevisionArn}`
    : "";
  return `service deployment ${deployment.serviceDeploymentArn} ended ${deployment.status}${stage}: ${reasons.join("; ")}${restored}`;
}
