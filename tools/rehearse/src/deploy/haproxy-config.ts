// HAProxy's configuration for one service, from the synthesized load balancer: each target group a backend that only
// health-checks its targets (as the target group's settings say), each listener a frontend whose backend holds every
// target, tracking its target group's health, with per-target weights the rehearsal moves at run time.
import type { Listener, ListenerRule, Side, TargetGroup } from "./topology.ts";

export const SIDES: readonly Side[] = ["blue", "green"];
export type ListenerName = "production" | "test";
export const LISTENER_NAMES: readonly ListenerName[] = ["production", "test"];

/** The response header naming the target that served a request (the load generator counts blue and green by it). */
export const SERVED_BY_HEADER = "x-rehearsal-served-by";

/**
 * How long the load balancer tries to connect to a target: 10 s, as an ALB does (Application Load Balancers user
 * guide, "Connection idle timeout": "the load balancer ... connection to the target ... 10 seconds").
 */
const CONNECT_TIMEOUT_SECONDS = 10;

export interface LoadBalancerLayout {
  targetGroups: Record<Side, TargetGroup>;
  listeners: Record<ListenerName, Listener>;
  /** The loopback port each listener's frontend binds. */
  ports: Record<ListenerName, number>;
  /** Target slots per target group: the tasks of one task set. */
  slots: number;
  idleTimeoutSeconds: number;
  /** The runtime API's socket. */
  socket: string;
}

export function targetGroupBackend(side: Side): string {
  return `target-group-${side}`;
}

export function listenerBackend(listener: ListenerName): string {
  return `listener-${listener}`;
}

export function slotName(side: Side, index: number): string {
  return `${side}-${index + 1}`;
}

export function renderHaproxyConfig(layout: LoadBalancerLayout): string {
  const slots = (side: Side) => Array.from({ length: layout.slots }, (_, index) => slotName(side, index));
  const lines = [
    "global",
    `  stats socket ${layout.socket} mode 600 level admin`,
    "",
    "defaults",
    "  mode http",
    `  timeout connect ${CONNECT_TIMEOUT_SECONDS}s`,
    // An ALB's idle timeout holds for both sides of it.
    `  timeout client ${layout.idleTimeoutSeconds}s`,
    `  timeout server ${layout.idleTimeoutSeconds}s`,
    `  timeout http-keep-alive ${layout.idleTimeoutSeconds}s`,
    // No retry: a request sent to a task that is gone fails, as it would behind an ALB, and is counted.
    "  retries 0",
    "",
  ];
  for (const side of SIDES) {
    const group = layout.targetGroups[side];
    const check = group.healthCheck;
    lines.push(
      `# target group ${group.logicalId}: health checks only, no traffic`,
      `backend ${targetGroupBackend(side)}`,
      `  option httpchk GET ${check.path}`,
      `  http-check expect status ${matcher(check.matcher)}`,
      `  timeout check ${check.timeoutSeconds}s`,
      `  default-server inter ${check.intervalSeconds}s rise ${check.healthyThreshold} fall ${check.unhealthyThreshold}`,
      // Registered at run time (set server addr, then ready), so every slot starts in maintenance.
      ...slots(side).map((name) => `  server ${name} 127.0.0.1:1 check disabled`),
      "",
    );
  }
  for (const name of LISTENER_NAMES) {
    const listener = layout.listeners[name];
    lines.push(
      `backend ${listenerBackend(name)}`,
      "  balance roundrobin",
      // Connections to the targets are kept open and shared between clients, as an ALB does.
      "  http-reuse always",
      `  http-response set-header ${SERVED_BY_HEADER} %[srv_name]`,
      ...SIDES.flatMap((side) =>
        slots(side).map((slot) => `  server ${slot} 127.0.0.1:1 track ${targetGroupBackend(side)}/${slot} weight 0`),
      ),
      "",
      `# ${listener.rule ? "rule" : "listener"} ${listener.logicalId} (port ${listener.port} on the load balancer)`,
      `frontend ${name}`,
      `  bind 127.0.0.1:${layout.ports[name]}`,
      ...ruleLines(listener),
      `  default_backend ${listenerBackend(name)}`,
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A shared listener: the rule's conditions pick the service, its url-rewrite applies, anything else gets the default answer. */
function ruleLines(listener: Listener): string[] {
  const rule = listener.rule;
  if (!rule) return [];
  const lines: string[] = [];
  const acls: string[] = [];
  if (rule.pathPatterns.length > 0) {
    lines.push(...rule.pathPatterns.map((pattern) => `  acl rule_path path_reg ${quoted(albWildcardRegex(pattern))}`));
    acls.push("rule_path");
  }
  if (rule.hosts.length > 0) {
    lines.push(
      ...rule.hosts.map(
        (host) => `  acl rule_host req.hdr(host),field(1,:) -m reg -i ${quoted(albWildcardRegex(host))}`,
      ),
    );
    acls.push("rule_host");
  }
  if (acls.length === 0) throw new Error(`listener rule ${listener.logicalId} has no condition`);
  const fixed = listener.fixedResponse;
  if (fixed) {
    lines.push(
      `  http-request return status ${fixed.statusCode} content-type ${quoted(fixed.contentType)} string ${quoted(fixed.body)} unless ${acls.join(" ")}`,
    );
  }
  if (rule.rewrite) lines.push(`  http-request replace-path ${rewriteArgs(rule)}`);
  return lines;
}

/** An ALB condition value (`*` any characters, `?` one) as an anchored regular expression. */
export function albWildcardRegex(pattern: string): string {
  const body = [...pattern]
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return `^${body}$`;
}

function rewriteArgs(rule: ListenerRule): string {
  const rewrite = rule.rewrite as NonNullable<ListenerRule["rewrite"]>;
  if (/\$(?!\d)/.test(rewrite.replace)) {
    throw new Error(`url-rewrite Replace ${rewrite.replace}: the rehearsal plays $1-style references only`);
  }
  return `${quoted(rewrite.regex)} ${quoted(rewrite.replace.replace(/\$(\d)/g, "\\$1"))}`;
}

/** An ALB matcher ("200", "200,204", "200-299") is already HAProxy's status list syntax; anything else is refused. */
function matcher(codes: string): string {
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(codes))
    throw new Error(`health check matcher "${codes}" is not a list of HTTP codes`);
  return codes;
}

/**
 * A single-quoted HAProxy argument: taken literally, without backslash unescaping or environment expansion (both
 * apply to unquoted and double-quoted words and would change a regular expression). It cannot hold a single quote.
 */
function quoted(text: string): string {
  if (text.includes("'")) throw new Error(`${text}: a single quote cannot be passed to HAProxy literally`);
  return `'${text}'`;
}
