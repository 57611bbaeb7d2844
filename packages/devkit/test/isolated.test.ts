import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runIsolated } from "../src/isolated.ts";

const cwd = mkdtempSync(path.join(tmpdir(), "devkit-isolated-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const PRINT_ENV = "process.stdout.write(JSON.stringify(process.env)); process.exitCode = Number(process.argv[1] ?? 0)";

describe("runIsolated", () => {
  it("passes only PATH, HOME, the AWS isolation and the given variables", async () => {
    process.env.AWS_PROFILE = "leaks-if-inherited";
    try {
      const result = await runIsolated(process.execPath, ["-e", PRINT_ENV], { cwd, env: { ONLY_THIS: "1" } });
      const env = JSON.parse(result.stdout) as Record<string, string>;
      expect(result.code).toBe(0);
      expect(env).not.toHaveProperty("AWS_PROFILE");
      expect(env).toMatchObject({
        HOME: cwd,
        ONLY_THIS: "1",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: path.join(cwd, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(cwd, "no-aws-credentials"),
      });
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  it("resolves with the program's exit code and its stderr", async () => {
    const result = await runIsolated(process.execPath, ["-e", "console.error('bad'); process.exit(3)"], { cwd });
    expect(result).toMatchObject({ code: 3, stderr: "bad\n" });
  });
});
