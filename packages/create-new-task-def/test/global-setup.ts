import { buildCli } from "../scripts/build.ts";

/** Every run tests the bundle built from the current source, whether or not `turbo build` ran first. */
export default async function setup(): Promise<void> {
  await buildCli();
}
