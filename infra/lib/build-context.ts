import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { type DockerIgnoreStrategy, IgnoreStrategy } from "aws-cdk-lib";
import { timed } from "./synth-timings.ts";

/** The root .dockerignore's patterns: what Docker leaves out of the build context (node_modules, dist, cdk.out...). */
function dockerIgnorePatterns(repoRoot: string): string[] {
  const file = path.join(repoRoot, ".dockerignore");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * The Docker build context of every service image: the repository root, minus what the root .dockerignore leaves
 * out. It fingerprints parts of it by their trigger paths, walking only those paths, and each path once: one
 * BuildContext per synth. The root files and the shared packages are among every service's trigger paths, so a
 * walk of the whole context per service (FileSystem.fingerprint of the root) grew with the square of the services.
 */
export class BuildContext {
  readonly root: string;
  private readonly ignore: DockerIgnoreStrategy;
  private readonly fingerprints = new Map<string, string>();

  constructor(repoRoot: string) {
    this.root = path.resolve(repoRoot);
    this.ignore = IgnoreStrategy.docker(this.root, dockerIgnorePatterns(this.root));
  }

  /**
   * Fingerprint of what Docker would send of these paths (relative to the root; a trailing "/" marks a folder): each
   * file's path and content, each symbolic link's target. Their order does not count; a path that does not exist
   * counts as empty.
   */
  fingerprint(triggerPaths: readonly string[]): string {
    if (triggerPaths.length === 0) throw new Error("a service image needs at least one trigger path to fingerprint");
    const hash = createHash("sha256");
    for (const entry of [...new Set(triggerPaths.map(withoutTrailingSlash))].sort()) {
      hash.update(`${entry}\0${this.fingerprintOf(entry)}\n`);
    }
    return hash.digest("hex");
  }

  private fingerprintOf(entry: string): string {
    let fingerprint = this.fingerprints.get(entry);
    if (fingerprint === undefined) {
      fingerprint = timed("asset hashing", () => this.walk(entry));
      this.fingerprints.set(entry, fingerprint);
    }
    return fingerprint;
  }

  private walk(entry: string): string {
    const hash = createHash("sha256");
    const visit = (relative: string) => {
      const absolute = path.join(this.root, relative);
      const stats = lstatSync(absolute, { throwIfNoEntry: false });
      if (!stats) return;
      if (stats.isDirectory()) {
        // Not pruned when a "!" pattern could take back something inside (Docker's semantics, as CDK's walker).
        if (this.ignore.completelyIgnores(absolute)) return;
        for (const name of readdirSync(absolute).sort()) visit(path.posix.join(relative, name));
      } else if (!this.ignore.ignores(absolute)) {
        if (stats.isSymbolicLink()) hash.update(`link:${relative}\0${readlinkSync(absolute)}\n`);
        else if (stats.isFile()) hash.update(`file:${relative}\0${sha256(readFileSync(absolute))}\n`);
      }
    };
    visit(entry);
    return hash.digest("hex");
  }
}

const withoutTrailingSlash = (entry: string) => (entry.endsWith("/") ? entry.slice(0, -1) : entry);
const sha256 = (content: Buffer) => createHash("sha256").update(content).digest("hex");
