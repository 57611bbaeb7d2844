import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DiscoveredService } from "@repo/service-contract";
import { AssetHashType, type AssetOptions, FileSystem, IgnoreMode } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { timed } from "./synth-timings.ts";

/** Prefix of the SERVICE_VERSION an image built by `cdk deploy` reports on GET / (the pipeline's images report their tag). */
export const INITIAL_VERSION_PREFIX = "cdk-";

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
 * Fingerprint of what the service's image is built from: its trigger paths (its folder, the workspace packages it
 * depends on, the root build inputs; see @repo/pipeline-triggers) inside the Docker build context, minus what the
 * root .dockerignore leaves out. A change elsewhere (a README, another service, infra) leaves it unchanged, so
 * `cdk deploy` neither rebuilds the image nor registers a new task definition revision for it.
 */
export function triggerPathsFingerprint(repoRoot: string, triggerPaths: readonly string[]): string {
  if (triggerPaths.length === 0) throw new Error("a service image needs at least one trigger path to fingerprint");
  // Docker ignore semantics, last match wins: leave out everything, take the trigger paths back in, then leave out
  // again what .dockerignore excludes inside them (node_modules, dist...).
  const exclude = [
    "*",
    ...triggerPaths.map((entry) => `!${entry.endsWith("/") ? entry.slice(0, -1) : entry}`),
    ...dockerIgnorePatterns(repoRoot),
  ];
  return timed("asset hashing", () =>
    FileSystem.fingerprint(path.resolve(repoRoot), { exclude, ignoreMode: IgnoreMode.DOCKER }),
  );
}

/** SERVICE_VERSION of an image `cdk deploy` builds: derived from what it is built from, e.g. `cdk-3fa9c2d41b07`. */
export function initialServiceVersion(fingerprint: string): string {
  return `${INITIAL_VERSION_PREFIX}${fingerprint.slice(0, 12)}`;
}

/**
 * The default initial image: the service's own Dockerfile (apps/<service>/Dockerfile) built by `cdk deploy` as an
 * image asset, with the repository root as context (the root .dockerignore applies) and SERVICE and
 * SERVICE_VERSION build args. Its hash covers the service's trigger paths only (see triggerPathsFingerprint).
 */
export function serviceImageAsset(
  repoRoot: string,
  service: DiscoveredService,
  triggerPaths: readonly string[],
): ecs.ContainerImage {
  const build = imageBuild(repoRoot, service, triggerPaths);
  const props: ecs.AssetImageProps & AssetOptions = {
    file: build.file,
    buildArgs: build.buildArgs,
    platform: build.platform,
    ignoreMode: IgnoreMode.DOCKER,
    // Not in AssetImageProps' type, but passed on to the asset's staging (a test checks the hash is ours).
    assetHash: build.hash,
    assetHashType: AssetHashType.CUSTOM,
  };
  return ecs.ContainerImage.fromAsset(repoRoot, props);
}

/** The initial image asset's hash: the trigger paths' fingerprint, the Dockerfile path, the build args, the platform. */
export function serviceImageAssetHash(
  repoRoot: string,
  service: DiscoveredService,
  triggerPaths: readonly string[],
): string {
  return imageBuild(repoRoot, service, triggerPaths).hash;
}

function imageBuild(repoRoot: string, service: DiscoveredService, triggerPaths: readonly string[]) {
  const fingerprint = triggerPathsFingerprint(repoRoot, triggerPaths);
  const file = path.posix.join(service.dir, "Dockerfile");
  const buildArgs = {
    SERVICE: service.manifest.name,
    SERVICE_VERSION: initialServiceVersion(fingerprint),
  };
  // The task definition runs on X86_64; build for it wherever cdk deploy runs (e.g. an ARM laptop).
  const platform = Platform.LINUX_AMD64;
  const hash = createHash("sha256")
    .update(JSON.stringify({ context: fingerprint, file, buildArgs, platform: platform.platform }))
    .digest("hex");
  return { file, buildArgs, platform, hash };
}
