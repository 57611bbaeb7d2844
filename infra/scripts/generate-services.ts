// Makes a throw-away repository root with N services, to measure synth time (and to test) with many services:
//   tsx scripts/generate-services.ts <target-dir> <count>
//   INFRA_REPO_ROOT=<target-dir> pnpm synth
// The target gets a copy of this repository (without node_modules, .git, dist, cdk.out) whose apps/ holds
// <count> copies of apps/sample-service named svc-01, svc-02, ... (each with its own port).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SKIPPED = new Set(["node_modules", ".git", "dist", "cdk.out", ".turbo", "coverage", ".cache"]);
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TEMPLATE_SERVICE = "sample-service";

export function generateServices(target: string, count: number, repoRoot = REPO_ROOT): string[] {
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new Error(`${target} exists and is not empty; choose a new folder`);
  }
  mkdirSync(target, { recursive: true });
  cpSync(repoRoot, target, { recursive: true, filter: (source) => !SKIPPED.has(path.basename(source)) });
  const template = path.join(target, "apps", TEMPLATE_SERVICE);
  const manifest = JSON.parse(readFileSync(path.join(template, "service.json"), "utf8")) as Record<string, unknown>;
  const names: string[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `svc-${String(index).padStart(2, "0")}`;
    const dir = path.join(target, "apps", name);
    cpSync(template, dir, { recursive: true });
    writeFileSync(
      path.join(dir, "service.json"),
      `${JSON.stringify({ ...manifest, name, port: 4000 + index }, null, 2)}\n`,
    );
    const packageFile = path.join(dir, "package.json");
    if (existsSync(packageFile)) {
      const pkg = JSON.parse(readFileSync(packageFile, "utf8")) as Record<string, unknown>;
      writeFileSync(packageFile, `${JSON.stringify({ ...pkg, name: `@repo/${name}` }, null, 2)}\n`);
    }
    names.push(name);
  }
  rmSync(template, { recursive: true });
  return names;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [target, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (process.argv.includes("--help") || !target || !Number.isInteger(count) || count < 1) {
    console.error("usage: tsx scripts/generate-services.ts <new-empty-dir> <count>");
    process.exit(process.argv.includes("--help") ? 0 : 2);
  }
  try {
    const names = generateServices(path.resolve(target), count);
    console.log(`wrote ${names.length} services under ${path.resolve(target)}/apps (${names[0]} .. ${names.at(-1)})`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}
