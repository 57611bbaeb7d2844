import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["test/support/setup.ts"],
    // Synthesizing a CDK app takes seconds on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "app", include: ["test/**/*.test.ts"], exclude: ["test/constructs/**"] },
      },
      {
        // One construct on a bare Stack per test, nothing shared between files: they share one module graph instead
        // of importing aws-cdk-lib (about a second) once per file.
        extends: true,
        test: { name: "constructs", include: ["test/constructs/**/*.test.ts"], isolate: false },
      },
    ],
  },
});
