import { defineConfig } from "vitest/config";

/**
 * Test files that only build CDK apps in memory (and may start child processes): they change no process-wide state
 * (process.env, CDK's asset cache, required Lambda bundles), so they share one module graph instead of importing
 * aws-cdk-lib and the app (about a second each) once per file. Every other file runs isolated, new ones included.
 */
const SYNTH_ONLY = [
  "test/constructs/**/*.test.ts",
  "test/service-stack.test.ts",
  "test/shared-stack.test.ts",
  "test/safety.test.ts",
  "test/taskdef-contract.test.ts",
  "test/build-stage-contract.test.ts",
  "test/compliance.test.ts",
  "test/ecs-engine.test.ts",
  "test/least-privilege.test.ts",
  "test/test-traffic-hook.test.ts",
];

/** The projects below, by name: scripts/test.ts (`pnpm test`) runs each in a process of its own. */
export const PROJECTS = { synth: "synth", isolated: "isolated" } as const;

export default defineConfig({
  test: {
    setupFiles: ["test/support/setup.ts"],
    // Synthesizing a CDK app takes seconds on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: PROJECTS.synth, include: SYNTH_ONLY, isolate: false } },
      { extends: true, test: { name: PROJECTS.isolated, include: ["test/**/*.test.ts"], exclude: SYNTH_ONLY } },
    ],
  },
});
