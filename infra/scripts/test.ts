// `pnpm test` in infra: vitest's two projects (see vitest.config.ts) as two processes side by side.
//   node scripts/test.ts [vitest run arguments, e.g. a file filter]
// The synth project shares one module graph, so it stays in one worker; the isolated files import everything
// afresh anyway, so a second process costs them nothing more and they run on the other core. Infra's tests are the
// longest task of a cold `pnpm test`: this ends them sooner. Vitest runs projects of one process one after another.
import { spawn } from "node:child_process";
import { PROJECTS } from "../vitest.config.ts";

const projects = Object.values(PROJECTS);
const args = process.argv.slice(2);

if (args.includes("--help") || args.includes("-h")) {
  console.log(`Usage: pnpm test [vitest run arguments]

Runs infra's tests: the vitest projects ${projects.join(" and ")} as two processes side by side. Arguments go
to both (a filter that matches files of one project only leaves the other with nothing to run, which passes).

Exit code: 0 when both pass, else the first failing project's exit code.`);
} else {
  const codes = await Promise.all(projects.map(runProject));
  process.exitCode = codes.find((code) => code !== 0) ?? 0;
}

function runProject(project: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("vitest", ["run", "--project", project, "--passWithNoTests", ...args], { stdio: "inherit" });
    child.on("error", (error) => {
      console.error(`infra test: could not start vitest for the ${project} project: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
