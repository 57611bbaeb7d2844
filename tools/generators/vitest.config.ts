import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setup.ts"],
    // The end-to-end test installs a copied workspace, runs the generated service's tests and synthesizes infra.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
