// `pnpm plop ...` runs this file (root package.json: "plop": "tsx tools/generators/src/cli.ts"): plop's own CLI
// on ../plopfile.ts (tsx loads the TypeScript), plus `--help` for every generator and `--skip-install`.
import { fileURLToPath } from "node:url";
import type { NodePlopAPI, PromptQuestion } from "node-plop";
import { SKIP_INSTALL_ENV } from "./workspace/install.ts";

const PLOPFILE = fileURLToPath(new URL("../plopfile.ts", import.meta.url));
const SKIP_INSTALL_FLAG = "--skip-install";

const args = process.argv.slice(2);

if (args.includes("--help") || args.includes("-h")) {
  const { default: nodePlop } = await import("node-plop");
  process.stdout.write(helpText(await nodePlop(PLOPFILE)));
  process.exit(0);
}

if (args.includes(SKIP_INSTALL_FLAG)) {
  process.env[SKIP_INSTALL_ENV] = "1";
  // plop reads process.argv when it is imported: it must not see a flag it does not know.
  process.argv = [...process.argv.slice(0, 2), ...args.filter((arg) => arg !== SKIP_INSTALL_FLAG)];
}

const { Plop, run } = await import("plop");
Plop.prepare({ configPath: PLOPFILE, preload: [] }, (env) => {
  Plop.execute(env, async (readyEnv: typeof env) => {
    // plop prints why the plopfile failed to load, but exits 0; a failed action or prompt already exits 1.
    const plop = (await run(readyEnv, undefined, false)) as unknown;
    if (!plop) process.exitCode = 1;
  });
});

function choicesHint(prompt: PromptQuestion): string {
  if (!("choices" in prompt) || !Array.isArray(prompt.choices)) return "";
  const values = prompt.choices.map((choice) => String((choice as { value?: unknown }).value ?? choice));
  return values.length > 6 ? ` (${values.slice(0, 4).join(", ")}, ... ${values.at(-1)})` : ` (${values.join(", ")})`;
}

function helpText(plop: NodePlopAPI): string {
  const lines = [
    "Usage: pnpm plop [generator] [answer ...] [--skip-install]",
    "       pnpm plop <generator> -- --<question> <answer> ...",
    "",
    "Answers given on the command line skip their question, in order (or by name after --). In a terminal the",
    "other questions are asked, each with its default; `_` skips an answer to be asked it. Without a terminal",
    "(scripts, CI=true) nothing is asked: every answer not given, or given as `_`, takes its default.",
    `--skip-install (or ${SKIP_INSTALL_ENV}=1) leaves \`pnpm install\` to you.`,
    "",
    "Generators:",
  ];
  for (const { name, description } of plop.getGeneratorList()) {
    const prompts = plop.getGenerator(name).prompts as PromptQuestion[];
    const names = prompts.map((prompt) => String(prompt.name));
    lines.push("", `  ${name}: ${description}`, `    pnpm plop ${name} ${names.map((n) => `<${n}>`).join(" ")}`);
    const width = Math.max(...names.map((n) => n.length));
    for (const prompt of prompts) {
      const message = typeof prompt.message === "function" ? prompt.message({}) : String(prompt.message ?? "");
      lines.push(`      ${String(prompt.name).padEnd(width)}  ${message}${choicesHint(prompt)}`);
    }
  }
  lines.push(
    "",
    "Examples:",
    "  pnpm plop service orders                      # next free port, the sample's other settings",
    "  pnpm plop service orders 3100 /health 512/1024 linear",
    "  pnpm plop service -- --name orders --deployment all-at-once",
    "  pnpm plop service catalog _ _ _ _ ecs           # ECS-native, shared load balancer, /catalog, next free priority",
    "  pnpm plop service -- --name shop --engine ecs --route shop.example.com",
    "  pnpm plop service search _ _ _ _ ecs dedicated  # ECS-native on a load balancer of its own",
    "  pnpm plop package money",
    "  pnpm plop init @acme shop eu-west-1 shop _ main     # _: no owner/repo for CodeCommit",
    "  pnpm plop init @acme shop eu-west-1 shop _ main yes # and remove the template maintainers' tools",
    "",
  );
  return lines.join("\n");
}
