import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "vitest";
import { haproxyMissing } from "./support/tools.ts";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
const tsx = path.join(PACKAGE_DIR, "node_modules", ".bin", "tsx");

/** The CLI's exit code and output (it registers signal handlers, so it runs as a process of its own). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(tsx, ["src/cli.ts", ...args], { cwd: PACKAGE_DIR, timeout: 60_000 }, (_, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

// The real CLI for what fails before any build starts (the build itself is .ci/run's end-to-end rehearsal). The
// processes run concurrently: each is mostly tsx starting up.
describe.concurrent("rehearse CLI", () => {
  it("lists the services when the one named does not exist, exit code 2", async ({ expect }) => {
    const result = await cli(["no-such-service"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'unknown service "no-such-service": no apps/no-such-service/service.json (services: ',
    );
    expect(result.stderr).toContain("sample-service");
    expect(result.stdout).toBe("");
  }, 60_000);

  it("asks for a service, listing them", async ({ expect }) => {
    const result = await cli([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/name the service to rehearse: .*sample-service/);
  }, 60_000);

  // HAProxy is checked first of all.
  it.skipIf(haproxyMissing() !== undefined)(
    "says which Deploy stage artifacts are missing, before it synthesizes anything, exit code 1",
    async ({ expect }) => {
      const result = await cli(["sample-service", "--artifacts", "/nonexistent/artifacts"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        "rehearse: FAILED: /nonexistent/artifacts: taskdef.json, appspec.yaml, imageDetail.json missing",
      );
    },
    60_000,
  );

  it("rejects Deploy options without --deploy, exit code 2", async ({ expect }) => {
    const result = await cli(["sample-service", "--break", "health"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--break needs --deploy (or --artifacts)");
  }, 60_000);
});
