/** The parts of an OCI / Docker image config this tool reads, shared by both engines' inspect output. */
export interface ImageConfigFields {
  user: string;
  entrypoint: string[];
  cmd: string[];
  exposedPorts: number[];
  stopSignal: string;
}

interface RawConfig {
  User?: unknown;
  Entrypoint?: unknown;
  Cmd?: unknown;
  ExposedPorts?: unknown;
  StopSignal?: unknown;
}

export function readImageConfig(raw: RawConfig | undefined | null): ImageConfigFields {
  const config = raw ?? {};
  return {
    user: typeof config.User === "string" ? config.User : "",
    entrypoint: stringList(config.Entrypoint),
    cmd: stringList(config.Cmd),
    exposedPorts: exposedPorts(config.ExposedPorts),
    stopSignal: typeof config.StopSignal === "string" && config.StopSignal !== "" ? config.StopSignal : "SIGTERM",
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** {"3000/tcp": {}} -> [3000] (TCP only: the service is an HTTP server). */
function exposedPorts(value: unknown): number[] {
  if (!value || typeof value !== "object") return [];
  return Object.keys(value)
    .map((key) => /^(\d+)(?:\/tcp)?$/.exec(key)?.[1])
    .filter((port): port is string => port !== undefined)
    .map(Number);
}

/** The command a container of this image starts with: ENTRYPOINT followed by CMD, as Docker combines them. */
export function startCommand(config: Pick<ImageConfigFields, "entrypoint" | "cmd">): string[] {
  const command = [...config.entrypoint, ...config.cmd];
  if (command.length === 0) throw new Error("the image has neither ENTRYPOINT nor CMD: nothing to run");
  return command;
}

/** Signal name for process.kill: accepts "SIGTERM", "TERM" or a number. */
export function signalName(stopSignal: string): NodeJS.Signals | number {
  if (/^\d+$/.test(stopSignal)) return Number(stopSignal);
  const upper = stopSignal.toUpperCase();
  return (upper.startsWith("SIG") ? upper : `SIG${upper}`) as NodeJS.Signals;
}
