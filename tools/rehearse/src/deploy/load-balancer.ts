// The load balancer as ECS and CodeDeploy drive it, on HAProxy's runtime API: targets registered (and health-checked
// from "initial"), weights moved between the blue and the green target group on a listener, targets drained and
// deregistered.
import type { Haproxy, ServerStat } from "./haproxy.ts";
import {
  LISTENER_NAMES,
  type ListenerName,
  listenerBackend,
  SIDES,
  slotName,
  targetGroupBackend,
} from "./haproxy-config.ts";
import type { Side, Weights } from "./topology.ts";

/** HAProxy's largest server weight. */
const MAX_WEIGHT = 256;

/** A target as its target group sees it. */
export interface TargetState {
  slot: string;
  /** healthy (UP), initial (DOWN, not failed yet), unhealthy (DOWN, the last check failed), draining, unused. */
  state: "healthy" | "initial" | "unhealthy" | "draining" | "unused";
  /** The last check, e.g. "L7STS 404" or "L7OK 200". */
  check: string;
}

/**
 * Per-server weights on one listener that split traffic between the target groups as `weights` (percent) say, each
 * target group's share spread evenly over its targets in service. A side with a share keeps weight ≥ 1 per target.
 */
export function serverWeights(weights: Weights, targets: Record<Side, number>): Record<Side, number> {
  const weightOf = (side: Side) => {
    if (targets[side] === 0 || weights[side] <= 0) return 0;
    return Math.max(1, Math.round((MAX_WEIGHT * weights[side]) / 100 / targets[side]));
  };
  return { blue: weightOf("blue"), green: weightOf("green") };
}

export function targetState(stat: ServerStat | undefined): TargetState["state"] {
  const status = stat?.status ?? "";
  if (status.startsWith("UP")) return "healthy";
  if (status.startsWith("DRAIN") || status.startsWith("NOLB")) return "draining";
  if (status.startsWith("DOWN")) {
    // A check that answered wrongly or not at all; INI and L7OK (on the way up) are still initial.
    return /^(L[4-7](STS|TOUT|CON|RSP)|SOCKERR)/.test(stat?.checkStatus ?? "") ? "unhealthy" : "initial";
  }
  return "unused";
}

export class LoadBalancer {
  private readonly inService: Record<Side, Set<number>> = { blue: new Set(), green: new Set() };
  private readonly weights: Record<ListenerName, Weights>;

  constructor(
    private readonly haproxy: Haproxy,
    initialWeights: Record<ListenerName, Weights>,
  ) {
    this.weights = { production: { ...initialWeights.production }, test: { ...initialWeights.test } };
  }

  /**
   * RegisterTargets: the target's address on its target group and on every listener, then health checks from the
   * "initial" state (down until the healthy threshold passes). Its listener weight is set by the next `setWeights`.
   */
  async register(side: Side, index: number, port: number): Promise<void> {
    const slot = slotName(side, index);
    const backends = [targetGroupBackend(side), ...LISTENER_NAMES.map(listenerBackend)];
    await this.haproxy.command(
      backends.map((backend) => `set server ${backend}/${slot} addr 127.0.0.1 port ${port}`).join(";"),
    );
    // Leaving maintenance, HAProxy would count the target healthy at once: force it down so it must pass its checks.
    await this.haproxy.command(
      `set server ${targetGroupBackend(side)}/${slot} state ready;set server ${targetGroupBackend(side)}/${slot} health down`,
    );
    this.inService[side].add(index);
    await this.applyWeights();
  }

  async targets(side: Side): Promise<TargetState[]> {
    const stats = await this.haproxy.servers();
    return [...this.inService[side]].map((index) => {
      const slot = slotName(side, index);
      const stat = stats.find((row) => row.backend === targetGroupBackend(side) && row.server === slot);
      return { slot, state: targetState(stat), check: `${stat?.checkStatus ?? ""} ${stat?.checkCode ?? ""}`.trim() };
    });
  }

  /** The listener's forward action, as CodeDeploy or ECS modify it. */
  async setWeights(listener: ListenerName, weights: Weights): Promise<void> {
    this.weights[listener] = { ...weights };
    await this.applyWeights();
  }

  weightsOf(listener: ListenerName): Weights {
    return { ...this.weights[listener] };
  }

  /** Deregistration starts: no new requests; those on their way finish. */
  async drain(side: Side, index: number): Promise<void> {
    await this.haproxy.command(`set server ${targetGroupBackend(side)}/${slotName(side, index)} state drain`);
    this.inService[side].delete(index);
    await this.applyWeights();
  }

  /** Requests still on their way to a target, over every listener. */
  async activeRequests(side: Side, index: number): Promise<number> {
    const slot = slotName(side, index);
    const backends = new Set(LISTENER_NAMES.map(listenerBackend));
    return (await this.haproxy.servers())
      .filter((row) => backends.has(row.backend) && row.server === slot)
      .reduce((sum, row) => sum + row.sessions, 0);
  }

  /** Deregistration ends: the target leaves its target group; whatever is still open to it is cut. */
  async deregister(side: Side, index: number): Promise<void> {
    const slot = slotName(side, index);
    await this.haproxy.command(
      [
        `set server ${targetGroupBackend(side)}/${slot} state maint`,
        ...LISTENER_NAMES.map((listener) => `shutdown sessions server ${listenerBackend(listener)}/${slot}`),
      ].join(";"),
    );
    this.inService[side].delete(index);
  }

  private async applyWeights(): Promise<void> {
    const counts = { blue: this.inService.blue.size, green: this.inService.green.size };
    const commands: string[] = [];
    for (const listener of LISTENER_NAMES) {
      const perServer = serverWeights(this.weights[listener], counts);
      for (const side of SIDES) {
        for (const index of this.inService[side]) {
          commands.push(`set server ${listenerBackend(listener)}/${slotName(side, index)} weight ${perServer[side]}`);
        }
      }
    }
    // One line: HAProxy applies the whole split before it routes the next request.
    if (commands.length > 0) await this.haproxy.command(commands.join(";"));
  }
}
