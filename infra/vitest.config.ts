import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setup.ts"],
    // Synthesizing a CDK app takes seconds on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
