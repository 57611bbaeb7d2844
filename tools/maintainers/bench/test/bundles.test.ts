import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { replaceModule } from "../src/bundles.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("replaceModule", () => {
  it("replaces the module only where the given folder imports it", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-bundles-"));
    const app = path.join(dir, "app");
    const lib = path.join(dir, "lib");
    mkdirSync(app);
    mkdirSync(lib);
    writeFileSync(path.join(app, "greeting.ts"), 'export const greeting = "original app";\n');
    writeFileSync(path.join(lib, "greeting.ts"), 'export const greeting = "library";\n');
    writeFileSync(path.join(lib, "index.ts"), 'export { greeting as fromLibrary } from "./greeting.ts";\n');
    writeFileSync(
      path.join(app, "main.ts"),
      [
        'import { greeting } from "./greeting.ts";',
        'import { fromLibrary } from "../lib/index.ts";',
        'console.log(greeting + " / " + fromLibrary);',
      ].join("\n"),
    );
    const outfile = path.join(dir, "out.mjs");
    await build({
      entryPoints: [path.join(app, "main.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "silent",
      plugins: [replaceModule("greeting", /(^|\/)greeting(\.ts)?$/, 'export const greeting = "replaced";', app)],
    });
    expect(execFileSync(process.execPath, [outfile], { encoding: "utf8" }).trim()).toBe("replaced / library");
  });
});
