import { defineConfig } from "vitest/config";

// The smoke test starts real servers and a real synth: generous timeouts, one file at a time on 2 cores.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    fileParallelism: false,
    // The test files share one module graph (each restores the process-wide state it changes).
    isolate: false,
  },
});
