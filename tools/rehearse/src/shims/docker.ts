import path from "node:path";
import type { BuildRequest } from "@repo/container";
import { type FlagSpec, lastValue, parseFlags } from "./flags.ts";
import { notEmulated, ShimRefusal } from "./refusal.ts";

/** What a `docker` command line asks for, among the few the Build stage uses. */
export type DockerInvocation =
  | { kind: "login"; server: string | undefined; username: string | undefined; passwordStdin: boolean }
  | { kind: "buildx-create"; name: string | undefined }
  | { kind: "buildx-build"; build: BuildxBuild };

export interface BuildxBuild {
  /** The build context as written (relative to the working directory). */
  context: string;
  /** --file as written; undefined: <context>/Dockerfile. */
  file: string | undefined;
  buildArgs: Record<string, string>;
  tags: string[];
  metadataFile: string | undefined;
  push: boolean;
  /** Flags accepted but without effect here (the local engine keeps its own layer cache). */
  ignoredFlags: string[];
}

const LOGIN_FLAGS: readonly FlagSpec[] = [
  { name: "username", short: "u", kind: "value" },
  { name: "password", short: "p", kind: "value" },
  { name: "password-stdin", kind: "bool" },
];

const BUILD_FLAGS: readonly FlagSpec[] = [
  { name: "file", short: "f", kind: "value" },
  { name: "build-arg", kind: "value" },
  { name: "tag", short: "t", kind: "value" },
  { name: "metadata-file", kind: "value" },
  { name: "push", kind: "bool" },
  { name: "progress", kind: "value" },
  { name: "cache-from", kind: "value" },
  { name: "cache-to", kind: "value" },
  { name: "provenance", kind: "optional" },
];

/** buildx flags that change how BuildKit caches or attests, not what the image is. */
const IGNORED_BUILD_FLAGS = ["cache-from", "cache-to", "provenance"];

export function parseDockerArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  const refuse = (detail?: string) => notEmulated("docker", args, detail);
  const [command, subcommand] = args;
  if (command === "login") {
    const flags = parseFlags(args.slice(1), LOGIN_FLAGS, (flag) => refuse(`option ${flag}`));
    if (flags.values.has("password")) {
      throw refuse("a password on the command line; use --password-stdin as the Build stage does");
    }
    if (flags.positionals.length > 1) throw refuse("more than one registry");
    return {
      kind: "login",
      server: flags.positionals[0],
      username: lastValue(flags, "username"),
      passwordStdin: lastValue(flags, "password-stdin") === "true",
    } satisfies DockerInvocation;
  }
  if (command === "buildx" && subcommand === "create") {
    const rest = args.slice(2);
    const nameAt = rest.findIndex((arg) => arg === "--name" || arg.startsWith("--name="));
    const nameArg = rest[nameAt];
    const name = nameArg === undefined ? undefined : nameArg.includes("=") ? nameArg.split("=")[1] : rest[nameAt + 1];
    return { kind: "buildx-create", name } satisfies DockerInvocation;
  }
  if (command === "buildx" && subcommand === "build") {
    return { kind: "buildx-build", build: parseBuildxBuild(args.slice(2), env, refuse) } satisfies DockerInvocation;
  }
  throw refuse();
}

function parseBuildxBuild(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  refuse: (detail?: string) => ShimRefusal,
): BuildxBuild {
  const flags = parseFlags(args, BUILD_FLAGS, (flag) => refuse(`option ${flag}`));
  if (flags.positionals.length !== 1) {
    throw refuse(`expected one build context, got ${flags.positionals.length}`);
  }
  const context = flags.positionals[0] as string;
  if (context === "-" || /^[a-z]+:\/\//.test(context) || context.startsWith("git@")) {
    throw refuse("a context that is not a local folder");
  }
  const buildArgs: Record<string, string> = {};
  for (const entry of flags.values.get("build-arg") ?? []) {
    const equals = entry.indexOf("=");
    if (equals === -1) {
      // Docker's rule: `--build-arg NAME` takes the value from the environment, and is dropped when unset.
      const value = env[entry];
      if (value !== undefined) buildArgs[entry] = value;
    } else {
      buildArgs[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  }
  const tags = flags.values.get("tag") ?? [];
  if (tags.length === 0) throw refuse("no --tag: nothing to name or push");
  for (const tag of tags) {
    if (tag.includes("@")) throw new ShimRefusal(`rehearse: --tag ${tag}: a tag cannot contain a digest`);
  }
  return {
    context,
    file: lastValue(flags, "file"),
    buildArgs,
    tags,
    metadataFile: lastValue(flags, "metadata-file"),
    push: lastValue(flags, "push") === "true",
    ignoredFlags: IGNORED_BUILD_FLAGS.filter((name) => flags.values.has(name)).map((name) => `--${name}`),
  };
}

/** What the engine is asked to do for one `docker buildx build`. */
export interface EngineBuildPlan {
  request: Omit<BuildRequest, "onLine">;
  /** Registry references to push the built image to (each --tag), when --push is given. */
  pushTo: string[];
  /** Absolute path of --metadata-file, if given. */
  metadataFile: string | undefined;
}

/**
 * Translates a buildx build into an engine build: paths resolved against the working directory as buildx does
 * (--file too, not against the context), the image stored locally under a stable name (localImageName).
 */
export function engineBuildPlan(build: BuildxBuild, cwd: string): EngineBuildPlan {
  const contextDir = path.resolve(cwd, build.context);
  const first = build.tags[0] as string;
  return {
    request: {
      contextDir,
      dockerfile: build.file === undefined ? path.join(contextDir, "Dockerfile") : path.resolve(cwd, build.file),
      tag: localImageName(first),
      buildArgs: build.buildArgs,
    },
    pushTo: build.push ? [...build.tags] : [],
    metadataFile: build.metadataFile === undefined ? undefined : path.resolve(cwd, build.metadataFile),
  };
}

/**
 * The local name of the built image: the tag without its registry, under localhost/rehearse/. Stable across runs
 * (the local registry's port changes every run), so repeated rehearsals replace one name instead of piling up.
 */
export function localImageName(tag: string): string {
  const slash = tag.indexOf("/");
  const first = slash === -1 ? "" : tag.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const rest = hasRegistry ? tag.slice(slash + 1) : tag;
  const lastSlash = rest.lastIndexOf("/");
  const hasTag = rest.indexOf(":", lastSlash + 1) !== -1;
  return `localhost/rehearse/${rest}${hasTag ? "" : ":latest"}`;
}

/** buildx's --metadata-file content for a pushed image (the keys the Build stage reads, as buildx names them). */
export function buildxMetadata(tags: readonly string[], digest: string | undefined): string {
  const metadata: Record<string, string> = {};
  if (digest !== undefined) metadata["containerimage.digest"] = digest;
  metadata["image.name"] = tags.join(",");
  return `${JSON.stringify(metadata, null, 2)}\n`;
}
