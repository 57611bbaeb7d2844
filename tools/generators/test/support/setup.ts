// Every test runs the generators as CI does: no pnpm install unless the test asks for one (vi.stubEnv), and the
// copies of the repository are removed when the file's tests are done.
import { afterAll, afterEach, beforeEach, vi } from "vitest";
import { removeCopies } from "./workspace.ts";

beforeEach(() => {
  vi.stubEnv("PLOP_SKIP_INSTALL", "1");
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(removeCopies);
