import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ecsHookEnvironment, LAMBDA_NAMES, smokeTestEnvironment } from "@repo/lambdas";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleKey, bundleLambda, LAMBDA_CACHE_DIR } from "../lib/lambda-bundle.ts";
import { DUMMY_AWS_ENV, type FakeEndpoint, json, startEndpoint } from "./support/aws-endpoint.ts";

const require = createRequire(import.meta.url);
/** The Lambda runtime's context, as far as the hooks read it. */
const context = { getRemainingTimeInMillis: () => 60_000 };

/** Runs `body` with extra environment variables, restoring the environment afterwards. */
async function withEnvironment<T>(variables: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  try {
    return await body();
  } finally {
    process.env = saved;
  }
}

describe("@repo/lambdas as infra bundles it", () => {
  let green: { url: string; close(): Promise<void> };
  let codeDeploy: FakeEndpoint;

  beforeAll(async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === "/health" ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    green = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
    codeDeploy = await startEndpoint((call) =>
      json(200, { lifecycleEventHookExecutionId: JSON.parse(call.body).lifecycleEventHookExecutionId }),
    );
  });
  afterAll(async () => {
    await Promise.all([green.close(), codeDeploy.close()]);
  });

  it("bundles every function once per process, into its own folder named by its content key", () => {
    for (const name of LAMBDA_NAMES) {
      const folder = bundleLambda(name);
      expect(folder).toMatch(new RegExp(`\\.cache/lambda/${name}/[0-9a-f]{16}$`));
      expect(bundleLambda(name)).toBe(folder);
    }
  });

  it("keeps the AWS SDK out of what synth loads: the package root imports no SDK module", () => {
    const result = buildSync({
      entryPoints: [require.resolve("@repo/lambdas")],
      bundle: true,
      platform: "node",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((input) => input.includes("@aws-sdk") || input.includes("@smithy"))).toEqual([]);
  });

  it("the CodeDeploy hook reports to CodeDeploy through AWS_ENDPOINT_URL_CODEDEPLOY", async () => {
    const environment = {
      ...DUMMY_AWS_ENV,
      AWS_ENDPOINT_URL_CODEDEPLOY: codeDeploy.url,
      ...smokeTestEnvironment({ testUrl: green.url, healthCheckPath: "/health" }),
    };
    const outcome = await withEnvironment(environment, async () => {
      const { handler } = require(`${bundleLambda("test-traffic-hook")}/index.js`) as {
        handler: (event: unknown, ctx: typeof context) => Promise<{ status: string }>;
      };
      return handler({ DeploymentId: "d-ABCDEF123", LifecycleEventHookExecutionId: "hook-exec-42" }, context);
    });
    expect(outcome.status).toBe("Succeeded");
    expect(codeDeploy.calls.map((call) => call.operation)).toEqual([
      "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus",
    ]);
    expect(JSON.parse(codeDeploy.calls[0]?.body ?? "{}").status).toBe("Succeeded");
  });

  it("the ECS hook answers ECS with the smoke test's verdict", async () => {
    const environment = ecsHookEnvironment({ testUrl: green.url, healthCheckPath: "/health" });
    const response = await withEnvironment(environment, async () => {
      const { handler } = require(`${bundleLambda("ecs-test-traffic-hook")}/index.js`) as {
        handler: (event: unknown, ctx: typeof context) => Promise<unknown>;
      };
      return handler(
        {
          executionId: "a1b2c3d4-0000-4000-8000-00000000e001",
          lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
          resourceArn: "arn:aws:ecs:eu-west-1:111122223333:service-deployment/bluegreen/orders/Vx1pm4HJqXW3Bq5Ek9PBo",
          executionDetails: { serviceArn: "arn:aws:ecs:eu-west-1:111122223333:service/bluegreen/orders" },
        },
        context,
      );
    });
    expect(response).toEqual({ hookStatus: "SUCCEEDED" });
  });
});

describe("the Lambda bundle cache", () => {
  it("names each bundle by the key of the inputs it recorded, so the next synth finds it", () => {
    for (const name of LAMBDA_NAMES) {
      const folder = bundleLambda(name);
      const inputs = JSON.parse(readFileSync(path.join(LAMBDA_CACHE_DIR, name, "inputs.json"), "utf8")) as string[];
      expect(inputs).toContain(path.posix.join("packages", "lambdas", "src", name, "index.ts"));
      expect(bundleKey(name, inputs)).toBe(path.basename(folder));
    }
  });

  it("changes the key with an input's content, its package.json or the lockfile; none when an input is gone", () => {
    const root = mkdtempSync(path.join(tmpdir(), "lambda-key-"));
    try {
      mkdirSync(path.join(root, "pkg", "src"), { recursive: true });
      const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
      write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
      write("pkg/package.json", '{ "name": "pkg" }');
      write("pkg/src/index.ts", "export const a = 1;");
      const inputs = ["pkg/src/index.ts"];
      const key = () => bundleKey("push-router", inputs, root);
      const first = key();
      expect(first).toMatch(/^[0-9a-f]{16}$/);
      expect(key()).toBe(first);
      expect(bundleKey("test-traffic-hook", inputs, root)).not.toBe(first);
      const seen = new Set([first]);
      for (const [file, text] of [
        ["pkg/src/index.ts", "export const a = 2;"],
        ["pkg/package.json", '{ "name": "pkg", "exports": "./src/other.ts" }'],
        ["pnpm-lock.yaml", "lockfileVersion: '9.1'\n"],
      ] as const) {
        write(file, text);
        seen.add(key());
      }
      expect(seen.size).toBe(4);
      rmSync(path.join(root, "pkg", "src", "index.ts"));
      expect(key()).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
