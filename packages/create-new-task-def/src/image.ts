/** What CodeDeploy substitutes into taskdef.json: the CodeDeployToECS action replaces it with imageDetail.json's ImageURI. */
import { TASKDEF_IMAGE_PLACEHOLDER } from "@repo/service-contract/placeholders";
import { UsageError } from "./errors.ts";

/** The image in taskdef.json that the Deploy stage fills from imageDetail.json (the contract names it). */
export const IMAGE_PLACEHOLDER = TASKDEF_IMAGE_PLACEHOLDER;

export interface ImageReference {
  /** Registry host and repository path, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Parses `repo:tag`, `repo@sha256:...` or `repo:tag@sha256:...` (the registry host may carry a `:port`). */
export function parseImageReference(image: string, source = "--image"): ImageReference {
  const trimmed = image.trim();
  if (trimmed === "" || /\s/.test(trimmed)) {
    throw new UsageError(`${source} must be an image reference without spaces, got ${JSON.stringify(image)}`);
  }
  const [name = "", digest, ...extra] = trimmed.split("@");
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) {
    throw new UsageError(
      `${source} has an invalid digest in ${JSON.stringify(image)} (expected @sha256:<64 hex digits>)`,
    );
  }
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? name : name.slice(0, colon);
  const tag = colon === -1 ? undefined : name.slice(colon + 1);
  if (repository === "" || repository.endsWith("/") || repository.includes("//")) {
    throw new UsageError(`${source} has no repository name in ${JSON.stringify(image)}`);
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new UsageError(`${source} has an invalid tag ${JSON.stringify(tag)} in ${JSON.stringify(image)}`);
  }
  if (tag === undefined && digest === undefined) {
    throw new UsageError(
      `${source} must name a tag or a digest (repo:tag or repo@sha256:...), got ${JSON.stringify(image)}`,
    );
  }
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

export function parseDigest(digest: string, source = "--digest"): string {
  const trimmed = digest.trim();
  if (!DIGEST.test(trimmed)) {
    throw new UsageError(`${source} must be sha256:<64 lowercase hex digits>, got ${JSON.stringify(digest)}`);
  }
  return trimmed;
}

/**
 * The image URI written to imageDetail.json: pinned to the digest whenever one is known (`repo@sha256:...`), so the
 * deployment runs exactly the image that was built even if the tag is moved later; otherwise `repo:tag`.
 */
export function deployableImageUri(reference: ImageReference, digest?: string): string {
  if (digest !== undefined && reference.digest !== undefined && digest !== reference.digest) {
    throw new UsageError(
      `--digest ${digest} contradicts the digest in --image (${reference.digest}); give one or make them equal`,
    );
  }
  const pinned = digest ?? reference.digest;
  if (pinned !== undefined) return `${reference.repository}@${pinned}`;
  return `${reference.repository}:${reference.tag}`;
}

export function renderImageDetail(imageUri: string): string {
  return `${JSON.stringify({ ImageURI: imageUri }, null, 2)}\n`;
}

const ECR_REGISTRY = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** Pulling from a private ECR registry needs the task execution role. */
export function isPrivateEcrImage(imageUri: string): boolean {
  return ECR_REGISTRY.test(imageUri);
}
