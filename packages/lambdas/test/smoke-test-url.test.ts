import { describe, expect, it } from "vitest";
import { checkUrl, smokeTest } from "../src/smoke-test/smoke-test.ts";
import { type GreenService, smokeSettings, startGreen } from "./support/green-service.ts";

describe("the smoke test's URLs", () => {
  it.each([
    ["http://alb:9000", "/health", "http://alb:9000/health"],
    ["http://alb:9000/", "/", "http://alb:9000/"],
    ["http://alb:9000/orders", "/health", "http://alb:9000/orders/health"],
    ["http://alb:9000/orders/", "/", "http://alb:9000/orders/"],
    ["http://alb:9000/team/orders", "/ready", "http://alb:9000/team/orders/ready"],
  ])("%s + %s is %s", (base, path, url) => {
    expect(checkUrl(base, path)).toBe(url);
  });

  it("probes under the service's prefix on a shared load balancer's test listener", async () => {
    let green: GreenService | undefined;
    try {
      green = await startGreen("healthy");
      const result = await smokeTest(smokeSettings(`${green.url}/orders`));
      expect(green.requests).toEqual(["/orders/health", "/orders/"]);
      expect(result.ok).toBe(true);
    } finally {
      await green?.close();
    }
  });
});
