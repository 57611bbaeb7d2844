import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setup.ts"],
    // Synthesizing a CDK app takes seconds on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The SDK warns once per process that it will drop Node 20 in 2027; the tests run on Node 20 on purpose.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
