// The shutdown part's load: a closed loop over keep-alive connections that behaves like a load balancer's
// connection pool. It honours `Connection: close` (the socket is not reused) and stops sending once new
// connections are refused. autocannon does neither: it writes the next request on a connection the server has
// just said it will close, so it would count one failure per connection against any graceful server.
import { Agent, request } from "node:http";

export interface LoadTally {
  /** Responses with the expected status. */
  ok: number;
  /** Responses with another status (a 503 while draining, say). */
  unexpectedStatus: number;
  /** Requests sent that got no complete response: reset, cut mid-response, timed out. */
  failed: number;
  /** New connections refused: the server stopped listening, so the request was never accepted. */
  refused: number;
  /** The error codes behind `failed`. */
  failedCodes: Record<string, number>;
}

export interface ClosedLoopLoad {
  /** A copy of the counts so far. */
  snapshot(): LoadTally;
  /** Resolves once every connection's loop has ended (each ends on its first refused connection). */
  readonly settled: Promise<LoadTally>;
  /** Ends every loop after its current request. */
  stop(): Promise<LoadTally>;
}

type Outcome = "ok" | "unexpected" | "refused" | { failed: string };

export function startClosedLoopLoad(
  url: string,
  options: { connections: number; expectStatus: number; requestTimeoutMs?: number },
): ClosedLoopLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const tally: LoadTally = { ok: 0, unexpectedStatus: 0, failed: 0, refused: 0, failedCodes: {} };
  let stopped = false;

  const once = () =>
    new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (!settled) {
          settled = true;
          resolve(outcome);
        }
      };
      const req = request(url, { agent, method: "GET" }, (res) => {
        res.resume();
        res.on("end", () => settle(res.statusCode === options.expectStatus ? "ok" : "unexpected"));
        res.on("aborted", () => settle({ failed: "response cut" }));
        res.on("error", (error: NodeJS.ErrnoException) => settle({ failed: error.code ?? error.message }));
      });
      req.setTimeout(options.requestTimeoutMs ?? 10_000, () =>
        req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })),
      );
      req.on("error", (error: NodeJS.ErrnoException) =>
        settle(error.code === "ECONNREFUSED" ? "refused" : { failed: error.code ?? error.message }),
      );
      req.end();
    });

  const loop = async () => {
    while (!stopped) {
      const outcome = await once();
      if (outcome === "ok") tally.ok++;
      else if (outcome === "unexpected") tally.unexpectedStatus++;
      else if (outcome === "refused") {
        tally.refused++;
        return;
      } else {
        tally.failed++;
        tally.failedCodes[outcome.failed] = (tally.failedCodes[outcome.failed] ?? 0) + 1;
      }
    }
  };

  const copy = (): LoadTally => ({ ...tally, failedCodes: { ...tally.failedCodes } });
  const settled = Promise.all(Array.from({ length: options.connections }, loop)).then(() => {
    agent.destroy();
    return copy();
  });
  return {
    snapshot: copy,
    settled,
    async stop() {
      stopped = true;
      return settled;
    },
  };
}
