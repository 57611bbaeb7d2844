import type { ImageInfo } from "./engines/types.ts";

export interface ImageSizes {
  /** The whole image, uncompressed. */
  imageBytes: number;
  /** What the service's layers add on top of the base image. */
  addedBytes: number;
  /** The base image's share (imageBytes - addedBytes). */
  baseBytes: number;
  /** How many layers the service adds. */
  addedLayers: number;
}

/**
 * Splits an image's size into its base image's part and the part the service adds.
 * The base image's layers must be the first layers of the image (it was built FROM that base);
 * the added size is the sum of the layers above them, or, where the engine does not give per-layer sizes,
 * the difference of the two images' sizes.
 */
export function splitImageSize(image: ImageInfo, base: ImageInfo): ImageSizes {
  const baseIds = base.layers.map((layer) => layer.diffId);
  const prefixMatches =
    baseIds.length <= image.layers.length && baseIds.every((id, index) => image.layers[index]?.diffId === id);
  if (!prefixMatches) {
    throw new Error(
      "the image is not built on the given base image (its first layers differ from the base's); " +
        "pass the base the Dockerfile used (--base-image / NODE_IMAGE)",
    );
  }
  const added = image.layers.slice(baseIds.length);
  const addedSizes = added.map((layer) => layer.sizeBytes);
  let addedBytes: number;
  if (addedSizes.every((size): size is number => size !== null)) {
    addedBytes = addedSizes.reduce((sum, size) => sum + size, 0);
  } else {
    addedBytes = image.sizeBytes - base.sizeBytes;
  }
  if (addedBytes < 0 || addedBytes > image.sizeBytes) {
    throw new Error(
      `inconsistent sizes: image ${image.sizeBytes} bytes, base ${base.sizeBytes} bytes, added ${addedBytes} bytes`,
    );
  }
  return {
    imageBytes: image.sizeBytes,
    addedBytes,
    baseBytes: image.sizeBytes - addedBytes,
    addedLayers: added.length,
  };
}

/** Decimal megabytes, as `docker images` prints them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`not a byte count: ${bytes}`);
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}
