import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  findMainProcess,
  isBuildahHelper,
  type ProcessEntry,
  parseCmdline,
  parseStatus,
  readProcessTable,
} from "../src/proc.ts";

const status =
  "Name:\tnode\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nPPid:\t4240\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n";

describe("parseStatus / parseCmdline", () => {
  it("reads the parent and the real uid", () => {
    expect(parseStatus(status)).toEqual({ ppid: 4240, uid: 1000 });
    expect(() => parseStatus("Name:\tx\n")).toThrow("no PPid or Uid line");
  });

  it("splits NUL-separated arguments", () => {
    expect(parseCmdline("node\0dist/server.js\0")).toEqual(["node", "dist/server.js"]);
    expect(parseCmdline("")).toEqual([]);
  });
});

describe("findMainProcess", () => {
  // The tree `buildah run --isolation chroot` makes, with an unrelated process beside it.
  const tree: ProcessEntry[] = [
    {
      pid: 100,
      ppid: 1,
      uid: 0,
      argv: ["buildah", "run", "ctr", "--", "docker-entrypoint.sh", "node", "dist/server.js"],
    },
    { pid: 101, ppid: 100, uid: 0, argv: ["buildah-chroot-runtime"] },
    { pid: 102, ppid: 101, uid: 1000, argv: ["buildah-chroot-exec", "/usr/local/bin/docker-entrypoint.sh", "node"] },
    { pid: 103, ppid: 102, uid: 1000, argv: ["node", "dist/server.js"] },
    { pid: 200, ppid: 1, uid: 0, argv: ["node", "unrelated.js"] },
  ];

  it("skips the engine's helpers and finds the container's command", () => {
    expect(findMainProcess(tree, 100, isBuildahHelper)?.pid).toBe(103);
  });

  it("finds a shell left in between (a shell-form CMD), which the test then rejects", () => {
    const withShell = [
      ...tree.slice(0, 3),
      { pid: 103, ppid: 102, uid: 1000, argv: ["/bin/sh", "-c", "node dist/server.js"] },
      { pid: 104, ppid: 103, uid: 1000, argv: ["node", "dist/server.js"] },
    ];
    expect(findMainProcess(withShell, 100, isBuildahHelper)?.argv[0]).toBe("/bin/sh");
  });

  it("finds nothing before the command has started", () => {
    expect(findMainProcess(tree.slice(0, 3), 100, isBuildahHelper)).toBeUndefined();
    expect(findMainProcess(tree, 999, isBuildahHelper)).toBeUndefined();
  });
});

describe("readProcessTable", () => {
  it("reads a /proc-shaped folder, skipping entries that are not processes or vanished", () => {
    const root = mkdtempSync(path.join(tmpdir(), "proc-"));
    try {
      mkdirSync(path.join(root, "4242"));
      writeFileSync(path.join(root, "4242", "status"), status);
      writeFileSync(path.join(root, "4242", "cmdline"), "node\0dist/server.js\0");
      mkdirSync(path.join(root, "4243")); // exited: no files left
      mkdirSync(path.join(root, "self"));
      expect(readProcessTable(root)).toEqual([{ pid: 4242, ppid: 4240, uid: 1000, argv: ["node", "dist/server.js"] }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === "linux")("finds this very process in the real /proc", () => {
    const self = readProcessTable().find((entry) => entry.pid === process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(self?.uid).toBe(process.getuid?.());
    expect(self?.argv[0]).toContain("node");
  });
});
