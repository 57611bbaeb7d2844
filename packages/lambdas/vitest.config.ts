import { defineConfig } from "vitest/config";

// The test files share one module graph (each restores the process-wide state it changes): importing it afresh per
// file cost up to half of these tests' CPU time.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], isolate: false } });
