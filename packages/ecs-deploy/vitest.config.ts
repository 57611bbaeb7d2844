import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The test files share one module graph (each restores the process-wide state it changes).
    isolate: false,
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
  },
});
