import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { loadBalancerMode, serviceRoute } from "../deployment-engine.ts";
import { FileProblemsError, formatIssues, readJsonFile } from "../files.ts";
import { type ServiceManifest, serviceManifestSchema } from "./schema.ts";

/** A manifest problem, with the file and the field it is about in the message. */
export class ManifestError extends FileProblemsError {
  override name = "ManifestError";
}

/** Validates an already-parsed manifest; `file` is only used in error messages. */
export function parseServiceManifest(value: unknown, file: string): ServiceManifest {
  const result = serviceManifestSchema.safeParse(value);
  if (!result.success) throw new ManifestError(file, formatIssues(result.error.issues));
  return result.data;
}

/** Reads and validates one service.json. */
export function loadServiceManifest(file: string): ServiceManifest {
  const read = readJsonFile(file);
  if ("problem" in read) throw new ManifestError(file, [read.problem]);
  return parseServiceManifest(read.value, file);
}

export interface DiscoveredService {
  /** The validated manifest. */
  manifest: ServiceManifest;
  /** Folder of the service, relative to the repository root, with forward slashes (e.g. "apps/orders"). */
  dir: string;
  /** Path of service.json relative to the repository root. */
  manifestPath: string;
}

/**
 * Finds every service by convention: each apps/<folder>/service.json is one service.
 * Validates each manifest, and the set as a whole: the name matches the folder, names and ports are unique.
 */
export function discoverServices(repoRoot: string): DiscoveredService[] {
  const appsDir = path.join(repoRoot, "apps");
  let folders: string[];
  try {
    folders = readdirSync(appsDir).sort();
  } catch {
    return [];
  }
  const services: DiscoveredService[] = [];
  for (const folder of folders) {
    const manifestPath = `apps/${folder}/service.json`;
    const absolute = path.join(repoRoot, manifestPath);
    if (!isFile(absolute)) continue;
    const manifest = loadServiceManifest(absolute);
    if (manifest.name !== folder) {
      throw new ManifestError(manifestPath, [`name: "${manifest.name}" must equal its folder name "${folder}"`]);
    }
    services.push({ manifest, dir: `apps/${folder}`, manifestPath });
  }
  assertUniquePorts(services);
  assertUniqueRulePriorities(services);
  return services;
}

function assertUniquePorts(services: readonly DiscoveredService[]): void {
  const byPort = new Map<number, string>();
  for (const service of services) {
    const other = byPort.get(service.manifest.port);
    if (other) {
      throw new ManifestError(service.manifestPath, [
        `port: ${service.manifest.port} is already used by ${other}; each service needs its own port so all can run locally together`,
      ]);
    }
    byPort.set(service.manifest.port, service.manifestPath);
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Two services on the shared load balancer with one priority would have one of their rules refused by the ALB. */
function assertUniqueRulePriorities(services: readonly DiscoveredService[]): void {
  const byPriority = new Map<number, string>();
  for (const service of services) {
    if (loadBalancerMode(service.manifest) !== "shared") continue;
    const { priority } = serviceRoute(service.manifest);
    const other = byPriority.get(priority);
    if (other) {
      const used = new Set(byPriority.keys());
      let free = 1;
      while (used.has(free) || free === priority) free++;
      throw new ManifestError(service.manifestPath, [
        `route.priority: ${priority} is already used by ${other}; each service on the shared load balancer needs its own (${free} is free)`,
      ]);
    }
    byPriority.set(priority, service.manifestPath);
  }
}
