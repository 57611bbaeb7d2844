// The load tool of the throughput figures: autocannon, pinned in this package (see README: why not wrk).
import autocannon from "autocannon";

export interface Workload {
  id: string;
  /** As shown in the table, e.g. "GET /". */
  label: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The status every response must have; anything else is counted as a wrong answer. */
  expectStatus: number;
}

export interface LoadSettings {
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  requestsPerSec: number;
  /** Latency percentiles in milliseconds (autocannon's resolution: 1 ms). */
  p50Ms: number;
  p99Ms: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses whose status was not the expected one. */
  unexpectedStatus: number;
}

export async function runLoad(baseUrl: string, workload: Workload, settings: LoadSettings): Promise<LoadResult> {
  const result = await autocannon({
    url: `${baseUrl}${workload.path}`,
    method: workload.method,
    connections: settings.connections,
    duration: settings.durationSec,
    ...(workload.body !== undefined ? { body: workload.body } : {}),
    ...(workload.headers ? { headers: workload.headers } : {}),
  });
  const expectedClass = `${Math.floor(workload.expectStatus / 100)}xx` as "2xx";
  const inExpectedClass = result[expectedClass] ?? 0;
  const answered = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  return {
    requests: result.requests.total,
    durationSec: result.duration,
    requestsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    unexpectedStatus: answered - inExpectedClass,
  };
}
