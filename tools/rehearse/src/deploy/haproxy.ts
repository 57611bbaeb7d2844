// HAProxy (Debian's package) as a process: the configuration checked, started in the foreground, spoken to through
// its runtime API (the admin socket), stopped.
import { spawn } from "node:child_process";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, followOutput, runCommand } from "@repo/devkit/process";

export const HAPROXY_MISSING = "haproxy is not installed (Debian/Ubuntu: apt-get install haproxy)";

/** One row of `show stat`: a server of a backend. */
export interface ServerStat {
  backend: string;
  server: string;
  /** UP, DOWN, MAINT, DRAIN, "UP 1/2" (going down), "DOWN 1/2" (going up), "MAINT (via ...)". */
  status: string;
  /** Current sessions (requests on their way). */
  sessions: number;
  weight: number;
  /** The last check's result (L7OK, L7STS, L4CON, INI ...) and HTTP code. */
  checkStatus: string;
  checkCode: string;
  checkDescription: string;
}

export interface Haproxy {
  readonly version: string;
  readonly pid: number;
  /** Runs a runtime API command (several: separated by ";") and returns its answer; throws on an error answer. */
  command(line: string): Promise<string>;
  servers(): Promise<ServerStat[]>;
  recentLogs(): string[];
  /** Settles when HAProxy exits on its own. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Answers of the runtime API that mean the command did nothing. */
const ERROR_ANSWER = /^(No such|Require |Invalid |Unknown command|Permission denied|Missing |Unexpected )/m;

export async function haproxyVersion(): Promise<string> {
  const result = await runCommand("haproxy", ["-v"]).catch(() => undefined);
  if (result?.exitCode !== 0) throw new Error(HAPROXY_MISSING);
  return /version (\S+)/i.exec(result.stdout)?.[1] ?? "unknown";
}

/** Checks `configFile`, starts HAProxy on it and waits until its runtime API answers. */
export async function startHaproxy(options: {
  configFile: string;
  socket: string;
  onLine?: (line: string) => void;
}): Promise<Haproxy> {
  const version = await haproxyVersion();
  const check = await runCommand("haproxy", ["-c", "-q", "-f", options.configFile]);
  if (check.exitCode !== 0) {
    throw new Error(`haproxy rejects ${options.configFile}:\n${`${check.stdout}\n${check.stderr}`.trim()}`);
  }
  // -db: in the foreground, not as a daemon, so that this process owns it and sees its log on stderr.
  const child = spawn("haproxy", ["-db", "-f", options.configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const logs = followOutput(child, options.onLine);
  const exited = exitOf(child).then(({ exitCode }) => exitCode);
  const pid = child.pid;
  if (pid === undefined) throw new Error("haproxy did not start");
  const command = (line: string) => runtimeCommand(options.socket, line);
  const deadline = performance.now() + 10_000;
  let running = true;
  void exited.then(() => {
    running = false;
  });
  for (;;) {
    const answer = await command("show info").catch(() => undefined);
    if (answer !== undefined) break;
    if (!running) throw new Error(`haproxy exited while starting:\n  ${logs.list().join("\n  ")}`);
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`haproxy's runtime API (${options.socket}) did not answer within 10 s`);
    }
    await sleep(50);
  }
  return {
    version,
    pid,
    exited,
    recentLogs: () => logs.list(),
    async command(line) {
      const answer = await command(line);
      if (ERROR_ANSWER.test(answer)) throw new Error(`haproxy runtime API: \`${line}\` answered: ${answer.trim()}`);
      return answer;
    },
    async servers() {
      return parseShowStat(await command("show stat"));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** One command on the admin socket (non-interactive: HAProxy answers and closes the connection). */
function runtimeCommand(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answer = "";
    connection.setEncoding("utf8");
    connection.setTimeout(5_000, () => connection.destroy(new Error(`no answer to \`${line}\` within 5 s`)));
    connection.on("connect", () => connection.write(`${line}\n`));
    connection.on("data", (chunk: string) => {
      answer += chunk;
    });
    connection.on("end", () => resolve(answer));
    connection.on("error", reject);
  });
}

/** `show stat` CSV: the server rows (not the FRONTEND and BACKEND summaries). */
export function parseShowStat(csv: string): ServerStat[] {
  const [header, ...rows] = csv.split("\n").filter((line) => line.trim() !== "");
  if (!header?.startsWith("# ")) throw new Error(`unexpected \`show stat\` answer: ${csv.slice(0, 200)}`);
  const columns = header.slice(2).split(",");
  const index = (name: string) => {
    const at = columns.indexOf(name);
    if (at === -1) throw new Error(`\`show stat\` has no column ${name}`);
    return at;
  };
  const at = {
    backend: index("pxname"),
    server: index("svname"),
    status: index("status"),
    sessions: index("scur"),
    weight: index("weight"),
    checkStatus: index("check_status"),
    checkCode: index("check_code"),
    checkDescription: index("check_desc"),
  };
  return rows
    .map((row) => row.split(","))
    .filter((cells) => cells[at.server] !== "FRONTEND" && cells[at.server] !== "BACKEND")
    .map((cells) => ({
      backend: cells[at.backend] ?? "",
      server: cells[at.server] ?? "",
      status: cells[at.status] ?? "",
      sessions: Number(cells[at.sessions] || 0),
      weight: Number(cells[at.weight] || 0),
      checkStatus: (cells[at.checkStatus] ?? "").replace(/^\* /, ""),
      checkCode: cells[at.checkCode] ?? "",
      checkDescription: cells[at.checkDescription] ?? "",
    }));
}
