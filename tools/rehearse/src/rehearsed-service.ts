import { UsageError } from "@repo/devkit/cli";
import { type DiscoveredService, discoverServices } from "@repo/service-contract";

/**
 * The service named, found as infra finds it (apps/<name>/service.json). A usage error, listing the services there
 * are, when no name is given or no service has it.
 */
export function rehearsedService(repoRoot: string, name: string | undefined): DiscoveredService {
  const services = discoverServices(repoRoot);
  const known = services.map((candidate) => candidate.manifest.name);
  if (name === undefined) {
    throw new UsageError(`name the service to rehearse: ${known.join(", ") || "(no apps/*/service.json found)"}`);
  }
  const service = services.find((candidate) => candidate.manifest.name === name);
  if (!service) {
    throw new UsageError(
      `unknown service "${name}": no apps/${name}/service.json (services: ${known.join(", ") || "none"})`,
    );
  }
  return service;
}
