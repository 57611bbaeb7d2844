// What a service's container gets from the platform: its user, its environment, its shutdown grace.
import type { ServiceManifest } from "./manifest/schema.ts";

/** The container runs as this user (the Node image's unprivileged `node` user). */
export const CONTAINER_USER = "1000";

/** Environment variables the platform sets; a service reads its name, port and health path from them at run time. */
export const PLATFORM_ENVIRONMENT = {
  port: "PORT",
  serviceName: "SERVICE_NAME",
  healthCheckPath: "HEALTH_CHECK_PATH",
  shutdownGraceMs: "SHUTDOWN_GRACE_MS",
  /** Baked into the image (the pipeline's build passes the image tag): never set by the task definition. */
  serviceVersion: "SERVICE_VERSION",
} as const;

/** Names a service.json `environment` may not set: the platform owns them. */
export const PLATFORM_ENVIRONMENT_NAMES: readonly string[] = Object.values(PLATFORM_ENVIRONMENT);

/**
 * The load balancer's idle timeout. A service must keep idle keep-alive connections open longer than this, or the
 * load balancer reuses a connection the service has just closed and answers 502.
 */
export const LOAD_BALANCER_IDLE_TIMEOUT_SECONDS = 60;

/** Shutdown grace the service gets after SIGTERM: 5 s less than ECS's stop timeout (at least 1 s). */
export function shutdownGraceMs(stopTimeoutSeconds: number): number {
  return Math.max(1, stopTimeoutSeconds - 5) * 1000;
}

/**
 * The container's environment: service.json's own variables, NODE_ENV (production unless service.json says
 * otherwise), and the platform's. SERVICE_VERSION is deliberately absent: the image bakes it in, and an entry here
 * would override it in every revision the pipeline copies from this one.
 */
export function containerEnvironment(manifest: ServiceManifest): Record<string, string> {
  return {
    ...manifest.environment,
    NODE_ENV: manifest.environment.NODE_ENV ?? "production",
    [PLATFORM_ENVIRONMENT.port]: String(manifest.port),
    [PLATFORM_ENVIRONMENT.serviceName]: manifest.name,
    [PLATFORM_ENVIRONMENT.healthCheckPath]: manifest.healthCheckPath,
    [PLATFORM_ENVIRONMENT.shutdownGraceMs]: String(shutdownGraceMs(manifest.stopTimeoutSeconds)),
  };
}
