import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Some tests start real servers and child processes.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
