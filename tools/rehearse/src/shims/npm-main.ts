// The `npm` the buildspec's commands find on PATH during a rehearsal (see ./npm.ts for what it does).
import { spawn, spawnSync } from "node:child_process";
import { planNpm, pnpmCheck } from "./npm.ts";
import { runShim } from "./runtime.ts";

await runShim(async () => {
  const args = process.argv.slice(2);
  const plan = planNpm(args);
  if (plan.kind === "check-pnpm") {
    const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
    const found = probe.status === 0 ? probe.stdout.trim() : undefined;
    const { ok, message } = pnpmCheck(plan.version, found);
    process.stderr.write(`${message}\n`);
    return ok ? 0 : 1;
  }
  // PATH is the real one here (runShim), so this is the real npm.
  const child = spawn("npm", args, { stdio: "inherit" });
  return await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
});
