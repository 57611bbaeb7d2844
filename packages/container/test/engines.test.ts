import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildahBuildArgs,
  buildahPullArgs,
  buildahPushArgs,
  buildahRunCommand,
  imageInfoFromBuildahInspect,
} from "../src/engines/buildah.ts";
import { dockerBuildArgs, dockerCreateArgs, imageInfoFromDockerInspect } from "../src/engines/docker.ts";
import { readImageConfig, signalName, startCommand } from "../src/engines/image-config.ts";
import { digestFromPushOutput, isLoopbackRegistry, registryHost } from "../src/engines/registry-ref.ts";
import { splitImageSize } from "../src/sizes.ts";

/** An expected command line, written as the words a shell would split it into. */
function words(line: string): string[] {
  return line.split(" ");
}

/** What the sample image's config says, as both engines read it. */
const SAMPLE_CONFIG = {
  user: "node",
  entrypoint: ["docker-entrypoint.sh"],
  cmd: ["node", "dist/server.js"],
  exposedPorts: [3000],
  stopSignal: "SIGTERM",
};

/** Real `buildah inspect --type image` output (trimmed to the fields read) of the sample service and its base. */
function fixture(name: string) {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));
}

describe("imageInfoFromBuildahInspect", () => {
  it("reads layers with their sizes and the run configuration", () => {
    const info = imageInfoFromBuildahInspect(fixture("buildah-inspect-service"));
    expect(info.layers).toEqual([
      { diffId: "sha256:063c7826f46a7d21bced4906f561e29cb25f2c5dbee499744da0f5a9e6924660", sizeBytes: 289959424 },
      { diffId: "sha256:a679f5a6520676363923398ed88e08398573099cffdb62b3054dc2a20db90c09", sizeBytes: 3841024 },
    ]);
    expect(info.sizeBytes).toBe(289959424 + 3841024);
    expect(info).toMatchObject(SAMPLE_CONFIG);
  });

  it("splits the sample image into its base and the service's bundle", () => {
    const sizes = splitImageSize(
      imageInfoFromBuildahInspect(fixture("buildah-inspect-service")),
      imageInfoFromBuildahInspect(fixture("buildah-inspect-base")),
    );
    expect(sizes).toEqual({ imageBytes: 293800448, addedBytes: 3841024, baseBytes: 289959424, addedLayers: 1 });
  });

  it("gives no size to a layer stored compressed (digest differs from the diff ID)", () => {
    const manifest = { layers: [{ digest: "sha256:compressed", size: 100 }] };
    const info = imageInfoFromBuildahInspect({
      Manifest: JSON.stringify(manifest),
      OCIv1: { rootfs: { diff_ids: ["sha256:uncompressed"] } },
    });
    expect(info.layers).toEqual([{ diffId: "sha256:uncompressed", sizeBytes: null }]);
  });

  it("rejects output it does not understand", () => {
    expect(() => imageInfoFromBuildahInspect({})).toThrow("unexpected `buildah inspect` output");
    expect(() =>
      imageInfoFromBuildahInspect({ Manifest: '{"layers":[]}', OCIv1: { rootfs: { diff_ids: ["sha256:a"] } } }),
    ).toThrow("0 manifest layers, 1 diff IDs");
  });
});

describe("imageInfoFromDockerInspect", () => {
  // The shape `docker image inspect` prints (an array), reduced to the fields read.
  const inspect = [
    {
      Size: 293800448,
      RootFS: { Type: "layers", Layers: ["sha256:aaa", "sha256:bbb"] },
      Config: {
        User: "node",
        ExposedPorts: { "3000/tcp": {}, "53/udp": {} },
        Entrypoint: ["docker-entrypoint.sh"],
        Cmd: ["node", "dist/server.js"],
        StopSignal: "SIGTERM",
      },
    },
  ];

  it("reads the total size, layer IDs (no per-layer sizes) and the run configuration", () => {
    expect(imageInfoFromDockerInspect(inspect)).toEqual({
      sizeBytes: 293800448,
      layers: [
        { diffId: "sha256:aaa", sizeBytes: null },
        { diffId: "sha256:bbb", sizeBytes: null },
      ],
      ...SAMPLE_CONFIG,
    });
  });

  it("rejects output it does not understand", () => {
    expect(() => imageInfoFromDockerInspect([])).toThrow("unexpected `docker image inspect` output");
  });
});

describe("image configuration", () => {
  it("fills what an image leaves out", () => {
    expect(readImageConfig(undefined)).toEqual({
      user: "",
      entrypoint: [],
      cmd: [],
      exposedPorts: [],
      stopSignal: "SIGTERM",
    });
    expect(readImageConfig({ Entrypoint: null, Cmd: ["node"], StopSignal: "" }).stopSignal).toBe("SIGTERM");
  });

  it("starts ENTRYPOINT followed by CMD, as Docker does", () => {
    expect(startCommand({ entrypoint: ["docker-entrypoint.sh"], cmd: ["node", "dist/server.js"] })).toEqual([
      "docker-entrypoint.sh",
      "node",
      "dist/server.js",
    ]);
    expect(startCommand({ entrypoint: [], cmd: ["node", "dist/server.js"] })).toEqual(["node", "dist/server.js"]);
    expect(() => startCommand({ entrypoint: [], cmd: [] })).toThrow("neither ENTRYPOINT nor CMD");
  });

  it("turns STOPSIGNAL spellings into a signal for process.kill", () => {
    expect(signalName("SIGTERM")).toBe("SIGTERM");
    expect(signalName("term")).toBe("SIGTERM");
    expect(signalName("15")).toBe(15);
  });
});

describe("engine command lines", () => {
  const build = {
    contextDir: "/repo",
    dockerfile: "apps/orders/Dockerfile",
    tag: "localhost/orders:container-test",
    buildArgs: { SERVICE: "orders", PORT: "3001" },
  };

  it("buildah builds with layer caching and the chosen isolation", () => {
    expect(buildahBuildArgs(build, "chroot")).toEqual(
      words(
        "bud --isolation chroot --layers --force-rm --file apps/orders/Dockerfile --tag localhost/orders:container-test --build-arg SERVICE=orders --build-arg PORT=3001 /repo",
      ),
    );
  });

  it("both engines can build without their layer cache", () => {
    expect(buildahBuildArgs({ ...build, noCache: true }, "chroot").slice(0, 6)).toEqual(
      words("bud --isolation chroot --layers --force-rm --no-cache"),
    );
    expect(dockerBuildArgs({ ...build, noCache: true }).slice(0, 3)).toEqual([
      "build",
      "--progress=plain",
      "--no-cache",
    ]);
  });

  it("docker builds with plain progress output", () => {
    expect(dockerBuildArgs(build)).toEqual(
      words(
        "build --progress=plain --file apps/orders/Dockerfile --tag localhost/orders:container-test --build-arg SERVICE=orders --build-arg PORT=3001 /repo",
      ),
    );
  });

  it("docker publishes the container port on loopback only and sets PORT", () => {
    expect(
      dockerCreateArgs({ image: "localhost/orders:t", containerPort: 3001, env: { LOG_LEVEL: "info" } }, 45000),
    ).toEqual(words("create --publish 127.0.0.1:45000:3001 --env LOG_LEVEL=info --env PORT=3001 localhost/orders:t"));
  });

  it("buildah pushes over plain HTTP to loopback registries only, and records the digest", () => {
    expect(buildahPushArgs("localhost/orders:t", "127.0.0.1:5000/orders:abc", "/tmp/d")).toEqual(
      words("push --tls-verify=false --digestfile /tmp/d localhost/orders:t docker://127.0.0.1:5000/orders:abc"),
    );
    expect(
      buildahPushArgs("localhost/orders:t", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:abc", "/tmp/d")[1],
    ).toBe("--tls-verify=true");
  });
});

describe("running a task definition's container", () => {
  const request = {
    image: "127.0.0.1:5000/orders@sha256:abc",
    containerPort: 3001,
    env: { PORT: "3001", LOG_LEVEL: "info" },
    user: "1000",
  };
  const context = {
    isolation: "chroot",
    container: "orders-working-container",
    hostPort: 45000,
    command: ["node", "dist/server.js"],
  };

  it("buildah: the user, the environment and the free host port as PORT (chroot isolation shares the host's network)", () => {
    expect(buildahRunCommand(request, { ...context, readOnlyRoot: undefined })).toEqual(
      words(
        "buildah run --isolation chroot --user 1000 --env PORT=45000 --env LOG_LEVEL=info orders-working-container -- node dist/server.js",
      ),
    );
  });

  it("buildah: a read-only root in a mount namespace of its own, the run itself unchanged", () => {
    const plain = buildahRunCommand(request, { ...context, readOnlyRoot: undefined });
    const command = buildahRunCommand(request, {
      ...context,
      readOnlyRoot: "/var/lib/containers/storage/overlay/x/merged",
    });
    expect(command.slice(0, 7)).toEqual(words("unshare --mount --propagation private -- sh -c"));
    const script = command[7] as string;
    expect(script).toContain('mount -o remount,bind,ro "$root"');
    expect(script).toContain('mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev tmpfs "$root/run"');
    expect(script.split("\n").at(-1)).toBe('exec "$@"');
    expect(command.slice(8)).toEqual(["sh", "/var/lib/containers/storage/overlay/x/merged", ...plain]);
  });

  it("docker: the user and a read-only root as flags, the container port published on loopback", () => {
    expect(dockerCreateArgs({ ...request, readOnlyRootFilesystem: true }, 45000)).toEqual(
      words(
        "create --publish 127.0.0.1:45000:3001 --user 1000 --read-only --env PORT=3001 --env LOG_LEVEL=info 127.0.0.1:5000/orders@sha256:abc",
      ),
    );
  });

  it("pulls only what is missing, over plain HTTP from loopback registries only", () => {
    expect(buildahPullArgs("127.0.0.1:5000/orders@sha256:abc")).toEqual(
      words("pull --policy missing --tls-verify=false --quiet 127.0.0.1:5000/orders@sha256:abc"),
    );
    expect(buildahPullArgs("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:abc")[3]).toBe("--tls-verify=true");
  });
});

describe("registry references", () => {
  it.each([
    ["127.0.0.1:5000/orders:abc", true],
    ["localhost:5000/orders:abc", true],
    ["localhost/orders", true],
    ["[::1]:5000/orders:abc", true],
    ["127.1.2.3:80/a/b:c", true],
    ["registry.example.com/orders:abc", false],
    ["127.0.0.1.example.com:5000/orders", false],
    ["10.0.0.1:5000/orders", false],
  ])("%s is loopback: %s", (ref, loopback) => {
    expect(isLoopbackRegistry(ref)).toBe(loopback);
  });

  it("insists on a registry host", () => {
    expect(registryHost("127.0.0.1:5000/orders:abc")).toBe("127.0.0.1:5000");
    expect(() => registryHost("orders:abc")).toThrow('registry reference "orders:abc" names no registry host');
    expect(() => registryHost("library/orders:abc")).toThrow("names no registry host");
  });

  it("finds the digest in docker push output", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(
      digestFromPushOutput(
        `The push refers to repository [127.0.0.1:5000/orders]\nabc: digest: ${digest} size: 1573\n`,
      ),
    ).toBe(digest);
    expect(() => digestFromPushOutput("denied: requested access to the resource is denied")).toThrow("names no digest");
  });
});
