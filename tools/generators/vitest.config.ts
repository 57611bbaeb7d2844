import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const END_TO_END = "test/e2e.test.ts";

/**
 * The end-to-end test takes most of the suite's time, mostly waiting on the pnpm, tsc and cdk it starts: it goes
 * first, in a worker of its own, and the other files run beside it (even on 2 cores, where vitest's default is one
 * worker and the files would run one after another).
 */
class EndToEndFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (file: TestSpecification) => file.moduleId.endsWith(END_TO_END);
    return [...sorted.filter(first), ...sorted.filter((file) => !first(file))];
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The test files share one module graph (each restores the process-wide state it changes).
    isolate: false,
    setupFiles: ["test/support/setup.ts"],
    // One worker per core (vitest's default leaves one core out: on 2 cores, one worker).
    maxWorkers: "100%",
    sequence: { sequencer: EndToEndFirst },
    // The end-to-end test installs a copied workspace, runs the generated service's tests and synthesizes infra.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
