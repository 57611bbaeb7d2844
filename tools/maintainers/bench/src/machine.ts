import { readFileSync } from "node:fs";
import os from "node:os";
import { chooseEngine, commandProbes, type EngineChoice } from "@repo/container";
import type { MachineDescription } from "./model.ts";
import { runCommand } from "./processes.ts";
import { round } from "./stats.ts";

export async function describeMachine(engine: EngineChoice): Promise<MachineDescription> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    os: `${osName()} (${os.type()} ${os.release()}, ${os.arch()})`,
    node: process.version,
    pnpm: await pnpmVersion(),
    loadAverageAtStart: round(os.loadavg()[0] ?? 0, 2),
    containerEngine: await chooseEngine(engine, commandProbes()).catch(() => null),
  };
}

function osName(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

async function pnpmVersion(): Promise<string | null> {
  // Under `pnpm bench`, pnpm names itself in the user agent; otherwise ask it.
  const agent = /\bpnpm\/(\S+)/.exec(process.env.npm_config_user_agent ?? "")?.[1];
  if (agent) return agent;
  try {
    const result = await runCommand("pnpm", ["--version"], { timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout.trim() : null;
  } catch {
    return null;
  }
}
