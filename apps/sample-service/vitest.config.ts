import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The test files share one module graph (each restores the process-wide state it changes).
    isolate: false,
    // Some tests start real servers and child processes.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
