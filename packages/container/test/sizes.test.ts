import { describe, expect, it } from "vitest";
import type { ImageInfo } from "../src/engines/types.ts";
import { formatBytes, splitImageSize } from "../src/sizes.ts";

/** An image of `layers` (diff ID: size, base first), `sizeBytes` in all. */
function image(layers: Record<string, number | null>, sizeBytes: number): ImageInfo {
  return {
    sizeBytes,
    layers: Object.entries(layers).map(([diffId, size]) => ({ diffId, sizeBytes: size })),
    user: "node",
    entrypoint: [],
    cmd: ["node", "dist/server.js"],
    exposedPorts: [3000],
    stopSignal: "SIGTERM",
  };
}

describe("splitImageSize", () => {
  it("sums the layers above the base when the engine gives layer sizes (buildah)", () => {
    const base = image({ "sha256:a": 200, "sha256:b": 50 }, 250);
    const built = image({ "sha256:a": 200, "sha256:b": 50, "sha256:c": 7, "sha256:d": 3 }, 260);
    expect(splitImageSize(built, base)).toEqual({ imageBytes: 260, addedBytes: 10, baseBytes: 250, addedLayers: 2 });
  });

  it("falls back to the difference of the totals when layer sizes are unknown (docker)", () => {
    const base = image({ "sha256:a": null }, 1000);
    const built = image({ "sha256:a": null, "sha256:c": null }, 1234);
    expect(splitImageSize(built, base)).toEqual({ imageBytes: 1234, addedBytes: 234, baseBytes: 1000, addedLayers: 1 });
  });

  it("counts nothing added when the image is the base itself", () => {
    const base = image({ "sha256:a": 10 }, 10);
    expect(splitImageSize(base, base).addedBytes).toBe(0);
  });

  it("refuses an image that is not built on the base", () => {
    const base = image({ "sha256:a": 10 }, 10);
    const built = image({ "sha256:x": 10, "sha256:c": 5 }, 15);
    expect(() => splitImageSize(built, base)).toThrow("not built on the given base image");
    expect(() => splitImageSize(base, built)).toThrow("not built on the given base image");
  });

  it("refuses sizes that cannot be right", () => {
    const base = image({ "sha256:a": null }, 500);
    const built = image({ "sha256:a": null, "sha256:c": null }, 400);
    expect(() => splitImageSize(built, base)).toThrow("inconsistent sizes");
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [3_841, "3.8 kB"],
    [3_841_024, "3.8 MB"],
    [293_800_448, "293.8 MB"],
    [1_500_000_000, "1.50 GB"],
  ])("%d -> %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("rejects what is not a byte count", () => {
    expect(() => formatBytes(-1)).toThrow(RangeError);
    expect(() => formatBytes(Number.NaN)).toThrow(RangeError);
  });
});
