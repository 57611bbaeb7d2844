import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { haproxyMissing } from "./support/tools.ts";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
const tsx = path.join(PACKAGE_DIR, "node_modules", ".bin", "tsx");

function cli(args: string[]) {
  return spawnSync(tsx, ["src/cli.ts", ...args], { cwd: PACKAGE_DIR, encoding: "utf8", timeout: 60_000 });
}

// The real CLI for what fails before any build starts (the build itself is .ci/run's end-to-end rehearsal).
describe("rehearse CLI", () => {
  it("lists the services when the one named does not exist, exit code 2", () => {
    const result = cli(["no-such-service"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'unknown service "no-such-service": no apps/no-such-service/service.json (services: ',
    );
    expect(result.stderr).toContain("sample-service");
    expect(result.stdout).toBe("");
  }, 60_000);

  it("asks for a service, listing them", () => {
    const result = cli([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/name the service to rehearse: .*sample-service/);
  }, 60_000);

  // HAProxy is checked first of all.
  it.skipIf(haproxyMissing() !== undefined)(
    "says which Deploy stage artifacts are missing, before it synthesizes anything, exit code 1",
    () => {
      const result = cli(["sample-service", "--artifacts", "/nonexistent/artifacts"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        "rehearse: FAILED: /nonexistent/artifacts: taskdef.json, appspec.yaml, imageDetail.json missing",
      );
    },
    60_000,
  );

  it("rejects Deploy options without --deploy, exit code 2", () => {
    const result = cli(["sample-service", "--break", "health"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--break needs --deploy (or --artifacts)");
  }, 60_000);
});
