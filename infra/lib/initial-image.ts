import { createHash } from "node:crypto";
import path from "node:path";
import type { DiscoveredService } from "@repo/service-contract";
import { AssetHashType, type AssetOptions, IgnoreMode } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type { BuildContext } from "./build-context.ts";

/** Prefix of the SERVICE_VERSION an image built by `cdk deploy` reports on GET / (the pipeline's images report their tag). */
export const INITIAL_VERSION_PREFIX = "cdk-";

/** SERVICE_VERSION of an image `cdk deploy` builds: derived from what it is built from, e.g. `cdk-3fa9c2d41b07`. */
export function initialServiceVersion(fingerprint: string): string {
  return `${INITIAL_VERSION_PREFIX}${fingerprint.slice(0, 12)}`;
}

/**
 * The default initial image: the service's own Dockerfile (apps/<service>/Dockerfile) built by `cdk deploy` as an
 * image asset, with the repository root as context (the root .dockerignore applies) and SERVICE and
 * SERVICE_VERSION build args. Its hash covers the service's trigger paths only (BuildContext.fingerprint): a change
 * elsewhere (a README, another service, infra) leaves it unchanged, so `cdk deploy` neither rebuilds the image nor
 * registers a new task definition revision for it.
 */
export function serviceImageAsset(
  context: BuildContext,
  service: DiscoveredService,
  triggerPaths: readonly string[],
): ecs.ContainerImage {
  const build = imageBuild(context, service, triggerPaths);
  const props: ecs.AssetImageProps & AssetOptions = {
    file: build.file,
    buildArgs: build.buildArgs,
    platform: build.platform,
    ignoreMode: IgnoreMode.DOCKER,
    // Not in AssetImageProps' type, but passed on to the asset's staging (a test checks the hash is ours).
    assetHash: build.hash,
    assetHashType: AssetHashType.CUSTOM,
  };
  return ecs.ContainerImage.fromAsset(context.root, props);
}

/** The initial image asset's hash: the trigger paths' fingerprint, the Dockerfile path, the build args, the platform. */
export function serviceImageAssetHash(
  context: BuildContext,
  service: DiscoveredService,
  triggerPaths: readonly string[],
): string {
  return imageBuild(context, service, triggerPaths).hash;
}

function imageBuild(context: BuildContext, service: DiscoveredService, triggerPaths: readonly string[]) {
  const fingerprint = context.fingerprint(triggerPaths);
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
