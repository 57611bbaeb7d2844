/** The target groups' health check as infra synthesizes it (infra/lib/constructs/internet-facing-alb.ts), on `path`. */
export function targetHealthCheck(path: string) {
  return { path, intervalSeconds: 5, timeoutSeconds: 4, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" };
}
