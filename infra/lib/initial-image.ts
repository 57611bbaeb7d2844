import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DiscoveredService } from "@repo/service-manifest";
import { AssetHashType, type AssetOptions, FileSystem, IgnoreMode } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";

const contextFingerprints = new Map<string, string>();

/** The root .dockerignore's patterns: what Docker leaves out of the build context (node_modules, dist, cdk.out...). */
export function dockerIgnorePatterns(repoRoot: string): string[] {
  const file = path.join(repoRoot, ".dockerignore");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * Fingerprint of the Docker build context (the repository root minus .dockerignore), computed once per process:
 * every service builds from the same context, so hashing it once instead of once per service keeps synth fast.
 */
export function buildContextFingerprint(repoRoot: string): string {
  const root = path.resolve(repoRoot);
  let fingerprint = contextFingerprints.get(root);
  if (!fingerprint) {
    fingerprint = FileSystem.fingerprint(root, { exclude: dockerIgnorePatterns(root), ignoreMode: IgnoreMode.DOCKER });
    contextFingerprints.set(root, fingerprint);
  }
  return fingerprint;
}

/**
 * The default initial image: the service's own Dockerfile (apps/<service>/Dockerfile) built by `cdk deploy` as an
 * image asset, with the repository root as context (the root .dockerignore applies) and SERVICE/PORT build args.
 * Its hash changes when anything in the build context, the Dockerfile path or the build args change.
 */
export function serviceImageAsset(repoRoot: string, service: DiscoveredService): ecs.ContainerImage {
  const { file, buildArgs, platform } = imageBuild(service);
  const props: ecs.AssetImageProps & AssetOptions = {
    file,
    buildArgs,
    platform,
    ignoreMode: IgnoreMode.DOCKER,
    // Not in AssetImageProps' type, but passed on to the asset's staging (a test checks the hash is ours): the
    // custom hash spares fingerprinting the whole repository again for every service.
    assetHash: serviceImageAssetHash(repoRoot, service),
    assetHashType: AssetHashType.CUSTOM,
  };
  return ecs.ContainerImage.fromAsset(repoRoot, props);
}

/** The initial image asset's hash: the build context's fingerprint, the Dockerfile path, the build args, the platform. */
export function serviceImageAssetHash(repoRoot: string, service: DiscoveredService): string {
  const { file, buildArgs, platform } = imageBuild(service);
  return createHash("sha256")
    .update(
      JSON.stringify({ context: buildContextFingerprint(repoRoot), file, buildArgs, platform: platform.platform }),
    )
    .digest("hex");
}

function imageBuild(service: DiscoveredService) {
  return {
    file: path.posix.join(service.dir, "Dockerfile"),
    buildArgs: { SERVICE: service.manifest.name, PORT: String(service.manifest.port) },
    // The task definition runs on X86_64; build for it wherever cdk deploy runs (e.g. an ARM laptop).
    platform: Platform.LINUX_AMD64,
  };
}
