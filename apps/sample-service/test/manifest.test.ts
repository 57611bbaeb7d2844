import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadServiceManifest } from "@repo/service-contract";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { captureLogger } from "./helpers.ts";

const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const manifest = loadServiceManifest(path.join(serviceDir, "service.json"));
const defaults = loadConfig({});

describe("service.json", () => {
  it("is a valid manifest named after its folder and its package", () => {
    expect(manifest.name).toBe(path.basename(serviceDir));
    const pkg = JSON.parse(readFileSync(path.join(serviceDir, "package.json"), "utf8")) as { name: string };
    expect(pkg.name).toBe(`@repo/${manifest.name}`);
  });

  it("agrees with the configuration's defaults", () => {
    expect(defaults.serviceName).toBe(manifest.name);
    expect(defaults.port).toBe(manifest.port);
    // The shutdown must be over before ECS sends SIGKILL.
    expect(defaults.shutdownGraceMs).toBeLessThan(manifest.stopTimeoutSeconds * 1000);
  });

  it("passes only environment variables the service reads validly", () => {
    expect(() => loadConfig(manifest.environment)).not.toThrow();
  });

  it("names a health check path the app answers with 200", async () => {
    const app = createApp(defaults, { logger: captureLogger(defaults).logger });
    const res = await request(app).get(manifest.healthCheckPath).expect(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

describe("as a template", () => {
  // A new service is this folder copied, with its own service.json: the source must read its facts at run time.
  it("spells its name, port and health path nowhere in src/: they come from service.json or the platform", () => {
    const srcDir = path.join(serviceDir, "src");
    const facts = [manifest.name, `"${manifest.healthCheckPath}"`, String(manifest.port)];
    const mentions = readdirSync(srcDir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) =>
        readFileSync(path.join(srcDir, file), "utf8")
          .split("\n")
          .filter((line) => facts.some((fact) => new RegExp(`(^|[^\\w-])${escapeRegExp(fact)}($|[^\\w-])`).test(line)))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(mentions).toEqual([]);
  });

  it("takes the health path the platform sets over its own", async () => {
    const config = loadConfig({ HEALTH_CHECK_PATH: "/platform-health" });
    const app = createApp(config, { logger: captureLogger(config).logger });
    await request(app).get("/platform-health").expect(200);
    await request(app).get(manifest.healthCheckPath).expect(404);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
