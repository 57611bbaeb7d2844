import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@repo/container";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Haproxy, parseShowStat, startHaproxy } from "../src/deploy/haproxy.ts";
import {
  albWildcardRegex,
  type LoadBalancerLayout,
  renderHaproxyConfig,
  SERVED_BY_HEADER,
} from "../src/deploy/haproxy-config.ts";
import { LoadBalancer, serverWeights, targetState } from "../src/deploy/load-balancer.ts";
import type { Listener, TargetGroup } from "../src/deploy/topology.ts";
import { haproxyMissing } from "./support/tools.ts";

const CHECK = {
  path: "/health",
  intervalSeconds: 1,
  timeoutSeconds: 1,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: "200-299",
};
const group = (logicalId: string): TargetGroup => ({ logicalId, healthCheck: CHECK, deregistrationDelaySeconds: 5 });
const dedicated = (logicalId: string, weights: Listener["weights"]): Listener => ({
  logicalId,
  port: 80,
  rule: undefined,
  fixedResponse: undefined,
  weights,
});
const shared: Listener = {
  logicalId: "RoutesProduction",
  port: 80,
  rule: {
    pathPatterns: ["/orders", "/orders/*"],
    hosts: ["*.example.com"],
    rewrite: { regex: "^/orders/?(.*)$", replace: "/$1" },
  },
  fixedResponse: { statusCode: 404, contentType: "application/json", body: '{"error":"not_found"}' },
  weights: { blue: 100, green: 0 },
};

function layout(
  socket: string,
  ports: LoadBalancerLayout["ports"],
  production: Listener = dedicated("Prod", { blue: 100, green: 0 }),
): LoadBalancerLayout {
  return {
    targetGroups: { blue: group("Blue"), green: group("Green") },
    listeners: { production, test: dedicated("Test", { blue: 0, green: 100 }) },
    ports,
    slots: 2,
    idleTimeoutSeconds: 60,
    socket,
  };
}

describe("HAProxy's configuration", () => {
  it("health-checks each target group as its settings say, and gives each listener every target at weight 0", () => {
    const text = renderHaproxyConfig(layout("/run/lb.sock", { production: 8080, test: 8081 }));
    expect(text).toContain(
      [
        "backend target-group-green",
        "  option httpchk GET /health",
        "  http-check expect status 200-299",
        "  timeout check 1s",
        "  default-server inter 1s rise 2 fall 2",
        "  server green-1 127.0.0.1:1 check disabled",
        "  server green-2 127.0.0.1:1 check disabled",
      ].join("\n"),
    );
    expect(text).toContain("  server green-2 127.0.0.1:1 track target-group-green/green-2 weight 0\n");
    expect(text).toContain("  http-reuse always\n");
    expect(text).toContain(`  http-response set-header ${SERVED_BY_HEADER} %[srv_name]\n`);
    expect(text).toContain("frontend test\n  bind 127.0.0.1:8081\n  default_backend listener-test\n");
    expect(text).toContain("  timeout server 60s\n");
    expect(text).toContain("  retries 0\n");
  });

  it("routes a shared listener by the rule's path and host, rewrites the path, and answers the rest as the listener does", () => {
    const text = renderHaproxyConfig(layout("/run/lb.sock", { production: 8080, test: 8081 }, shared));
    expect(text).toContain(
      [
        "frontend production",
        "  bind 127.0.0.1:8080",
        "  acl rule_path path_reg '^/orders$'",
        "  acl rule_path path_reg '^/orders/.*$'",
        "  acl rule_host req.hdr(host),field(1,:) -m reg -i '^.*\\.example\\.com$'",
        `  http-request return status 404 content-type 'application/json' string '{"error":"not_found"}' unless rule_path rule_host`,
        "  http-request replace-path '^/orders/?(.*)$' '/\\1'",
        "  default_backend listener-production",
      ].join("\n"),
    );
  });

  it("turns ALB wildcards into anchored regular expressions", () => {
    expect(albWildcardRegex("/a.b/*")).toBe("^/a\\.b/.*$");
    expect(albWildcardRegex("/v?/x")).toBe("^/v./x$");
  });

  it("refuses what it cannot pass to HAProxy literally", () => {
    const quote = { ...shared, fixedResponse: { statusCode: 404, contentType: "text/plain", body: "it's gone" } };
    expect(() => renderHaproxyConfig(layout("/s", { production: 1, test: 2 }, quote))).toThrow("single quote");
    const bad = { ...CHECK, matcher: "2xx" };
    expect(() =>
      renderHaproxyConfig({
        ...layout("/s", { production: 1, test: 2 }),
        targetGroups: { blue: group("B"), green: { ...group("G"), healthCheck: bad } },
      }),
    ).toThrow('matcher "2xx"');
  });
});

describe("weights and target states", () => {
  it("splits a listener's traffic between target groups, spread over their targets", () => {
    expect(serverWeights({ blue: 90, green: 10 }, { blue: 2, green: 2 })).toEqual({ blue: 115, green: 13 });
    expect(serverWeights({ blue: 100, green: 0 }, { blue: 2, green: 2 })).toEqual({ blue: 128, green: 0 });
    expect(serverWeights({ blue: 99, green: 1 }, { blue: 1, green: 8 })).toEqual({ blue: 253, green: 1 });
    expect(serverWeights({ blue: 0, green: 100 }, { blue: 0, green: 1 })).toEqual({ blue: 0, green: 256 });
  });

  it("reads a target's state as the target group would report it", () => {
    const stat = (status: string, checkStatus: string) => ({
      backend: "b",
      server: "s",
      status,
      sessions: 0,
      weight: 1,
      checkStatus,
      checkCode: "",
      checkDescription: "",
    });
    expect(targetState(stat("UP", "L7OK"))).toBe("healthy");
    expect(targetState(stat("UP 1/2", "L7STS"))).toBe("healthy");
    expect(targetState(stat("DOWN", "INI"))).toBe("initial");
    expect(targetState(stat("DOWN 1/2", "L7OK"))).toBe("initial");
    expect(targetState(stat("DOWN", "L7STS"))).toBe("unhealthy");
    expect(targetState(stat("DOWN", "L4CON"))).toBe("unhealthy");
    expect(targetState(stat("DRAIN", "L7OK"))).toBe("draining");
    expect(targetState(stat("MAINT", ""))).toBe("unused");
  });

  it("parses `show stat`, leaving out the FRONTEND and BACKEND rows", () => {
    const csv = [
      "# pxname,svname,scur,weight,status,check_status,check_code,check_desc,",
      "listener-production,FRONTEND,0,,OPEN,,,,",
      "target-group-blue,blue-1,3,1,UP,L7OK,200,Layer7 check passed,",
      "target-group-blue,BACKEND,0,1,UP,,,,",
    ].join("\n");
    expect(parseShowStat(csv)).toEqual([
      {
        backend: "target-group-blue",
        server: "blue-1",
        status: "UP",
        sessions: 3,
        weight: 1,
        checkStatus: "L7OK",
        checkCode: "200",
        checkDescription: "Layer7 check passed",
      },
    ]);
  });
});

const skip = haproxyMissing();

describe.skipIf(skip !== undefined)("the real HAProxy, driven as ECS drives a load balancer", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rehearse-lb-"));
  const targets: Server[] = [];
  let haproxy: Haproxy;
  let balancer: LoadBalancer;
  let production: string;

  /** A target that answers every path, /health with `health`. */
  async function target(health: number): Promise<number> {
    const server = createServer((req, res) => {
      res.writeHead(req.url === "/health" ? health : 200);
      res.end("ok");
    });
    targets.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  async function waitFor(side: "blue" | "green", state: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const states = await balancer.targets(side);
      if (states.every((entry) => entry.state === state)) return states;
      await sleep(100);
    }
    throw new Error(`${side} never ${state}: ${JSON.stringify(await balancer.targets(side))}`);
  }

  async function servedBy(count: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(production);
      await response.arrayBuffer();
      seen.push(response.headers.get(SERVED_BY_HEADER) ?? `HTTP ${response.status}`);
    }
    return seen;
  }

  beforeAll(async () => {
    const socket = path.join(dir, "lb.sock");
    const ports = { production: await freePort(), test: await freePort() };
    const config = layout(socket, ports);
    writeFileSync(path.join(dir, "haproxy.cfg"), renderHaproxyConfig({ ...config, slots: 1 }));
    haproxy = await startHaproxy({ configFile: path.join(dir, "haproxy.cfg"), socket });
    balancer = new LoadBalancer(haproxy, { production: { blue: 100, green: 0 }, test: { blue: 0, green: 100 } });
    production = `http://127.0.0.1:${ports.production}/`;
  }, 30_000);

  afterAll(async () => {
    await haproxy?.stop();
    for (const server of targets) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a new target starts unhealthy and takes traffic only after its healthy threshold", async () => {
    await balancer.register("blue", 0, await target(200));
    expect((await balancer.targets("blue"))[0]?.state).toBe("initial");
    expect(await servedBy(1)).toEqual(["HTTP 503"]);
    await waitFor("blue", "healthy");
    expect(await servedBy(3)).toEqual(["blue-1", "blue-1", "blue-1"]);
  });

  // An ALB would fail open (send to every target of a group whose targets are all unhealthy); the rehearsal gives
  // a target group traffic only once its targets are healthy, so it never relies on that.
  it("a target failing its check is unhealthy and gets nothing, whatever its weight", async () => {
    await balancer.register("green", 0, await target(404));
    const [green] = await waitFor("green", "unhealthy");
    expect(green?.check).toBe("L7STS 404");
    await balancer.setWeights("production", { blue: 0, green: 100 });
    expect(await servedBy(2)).toEqual(["HTTP 503", "HTTP 503"]);
    await balancer.setWeights("production", { blue: 100, green: 0 });
    expect(await servedBy(2)).toEqual(["blue-1", "blue-1"]);
  });

  it("drains and deregisters a target", async () => {
    await balancer.drain("blue", 0);
    expect(await balancer.activeRequests("blue", 0)).toBe(0);
    expect(await balancer.targets("blue")).toEqual([]);
    await balancer.deregister("blue", 0);
    const stats = await haproxy.servers();
    expect(stats.find((row) => row.backend === "target-group-blue")?.status).toBe("MAINT");
  });
});
