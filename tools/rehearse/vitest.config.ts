import { defineConfig } from "vitest/config";

// The repositories two files deploy are synthesized once for the run (test/support/shared-assemblies.ts).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    maxWorkers: "100%",
    globalSetup: ["test/support/shared-assemblies.ts"],
    // The test files share one module graph (each restores the process-wide state it changes).
    isolate: false,
  },
});
