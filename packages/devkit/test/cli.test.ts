import { describe, expect, it } from "vitest";
import {
  CliFailure,
  type CliIo,
  EXIT,
  envValue,
  failureOfKind,
  flagValue,
  HELP_FLAG,
  parseFlags,
  readInvocation,
  resultFlagNames,
  runResultCli,
  runTool,
  settingsReader,
  type Tool,
  UsageError,
  valueFlags,
} from "../src/cli.ts";

function io(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const captured = {
    env,
    cwd: "/work",
    out: "",
    err: "",
    stdout: (text: string) => {
      captured.out += text;
    },
    stderr: (text: string) => {
      captured.err += text;
    },
  };
  return captured;
}

describe("parseFlags", () => {
  it("parses strictly, and a parse problem is a usage error", () => {
    const flags = { tag: { type: "string" }, ...HELP_FLAG } as const;
    expect(parseFlags(["--tag", "x", "svc"], flags, { positionals: true })).toEqual({
      values: { tag: "x" },
      positionals: ["svc"],
    });
    expect(() => parseFlags(["--colour"], flags)).toThrow(UsageError);
    expect(() => parseFlags(["--colour"], flags)).toThrow(/Unknown option '--colour'/);
    expect(() => parseFlags(["svc"], flags)).toThrow(UsageError);
  });

  it("makes the error the CLI asks for", () => {
    class Mine extends Error {}
    expect(() => parseFlags(["--x"], {}, { usageError: (message) => new Mine(`${message}!`) })).toThrow(Mine);
  });
});

describe("settings", () => {
  it("take the flag, else the environment variable; trimmed, and empty is unset", () => {
    const setting = settingsReader(
      { image: " repo:tag ", family: "" },
      { FAMILY: "f", CONTAINER: " " },
      {
        image: "IMAGE",
        family: "FAMILY",
        container: "CONTAINER",
      },
    );
    expect([setting("image"), setting("family"), setting("container")]).toEqual(["repo:tag", "f", undefined]);
  });

  it("name an empty flag; an empty variable is unset", () => {
    expect(flagValue(" x ", "--tag")).toBe("x");
    expect(flagValue(undefined, "--tag")).toBeUndefined();
    expect(() => flagValue(" ", "--tag")).toThrow(new UsageError("--tag: empty value"));
    expect(envValue({ NODE_IMAGE: " " }, "NODE_IMAGE")).toBeUndefined();
    expect(envValue({ NODE_IMAGE: " img " }, "NODE_IMAGE")).toBe("img");
  });
});

describe("failures", () => {
  class ToolError extends CliFailure<"usage" | "aws"> {
    constructor(kind: "usage" | "aws", message: string, options?: ErrorOptions) {
      super(kind, message, kind === "aws" ? 4 : EXIT.usage, options);
    }
  }
  class AwsError extends failureOfKind(ToolError, "aws") {}

  it("a kind's class is its own, with the kind, its exit code, its name and a cause", () => {
    const error = new AwsError("no region", { cause: "x" });
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ kind: "aws", exitCode: 4, message: "no region", name: "AwsError", cause: "x" });
    expect(new UsageError("bad")).toMatchObject({ kind: "usage", exitCode: 2, name: "UsageError" });
  });
});

describe("runTool", () => {
  const tool: Tool<{ service: string }> = {
    name: "rehearse",
    help: "Usage: pnpm rehearse <service>\n",
    parse(argv) {
      const { values, positionals } = parseFlags(argv, HELP_FLAG, { positionals: true });
      if (values.help) return { help: true };
      return { help: false, options: { service: positionals[0] ?? "" } };
    },
    async run(options, cliIo) {
      if (options.service === "") throw new UsageError("name the service to rehearse: sample-service");
      if (options.service === "broken") throw new Error("not a usage problem");
      cliIo.stdout(`rehearsed ${options.service}\n`);
      return EXIT.ok;
    },
  };

  it("prints the help and exits 0", async () => {
    const cli = io();
    expect(await runTool(tool, ["-h"], cli)).toBe(0);
    expect(cli.out).toBe(tool.help);
  });

  it("exits 2 on a bad command line, pointing at --help, before any work", async () => {
    const cli = io();
    expect(await runTool(tool, ["--colour"], cli)).toBe(2);
    expect(cli.err).toMatch(/^rehearse: Unknown option '--colour'.*\nRun with --help for usage\.\n$/);
    expect(cli.out).toBe("");
  });

  it("exits 2 on a usage error found while working, and passes other errors on", async () => {
    const cli = io();
    expect(await runTool(tool, [], cli)).toBe(2);
    expect(cli.err).toBe("rehearse: name the service to rehearse: sample-service\n");
    await expect(runTool(tool, ["broken"], io())).rejects.toThrow("not a usage problem");
    const ok = io();
    expect(await runTool(tool, ["orders"], ok)).toBe(0);
    expect(ok.out).toBe("rehearsed orders\n");
  });
});

describe("runResultCli", () => {
  class DeployError extends CliFailure<"usage" | "timedOut"> {
    constructor(kind: "usage" | "timedOut", message: string, options?: ErrorOptions) {
      super(kind, message, kind === "usage" ? EXIT.usage : 7, options);
    }
  }
  class DeployUsageError extends failureOfKind(DeployError, "usage") {}
  class TimeoutError extends failureOfKind(DeployError, "timedOut") {}

  const cli = (run: () => Promise<Record<string, string>>) => ({
    version: "1.2.3",
    help: (version: string) => `deploy ${version}\n`,
    parse: (argv: readonly string[], env: Readonly<Record<string, string | undefined>>) =>
      readInvocation(
        argv,
        env,
        { flags: valueFlags("cluster"), fallbacks: { cluster: "ECS_CLUSTER" }, UsageError: DeployUsageError },
        (setting) => ({ cluster: setting("cluster") }),
      ),
    run,
    say: (cliIo: CliIo, line: string) => cliIo.stderr(`deploy: ${line}\n`),
    kindLabel: (kind: string) => (kind === "timedOut" ? "timed out" : `${kind} error`),
  });
  const result = async () => ({ outcome: "SUCCESSFUL", arn: "arn:x" });

  it("answers --help and --version", async () => {
    const help = io();
    expect(await runResultCli(cli(result), ["--help"], help)).toBe(0);
    expect(help.out).toBe("deploy 1.2.3\n");
    const version = io();
    expect(await runResultCli(cli(result), ["-v"], version)).toBe(0);
    expect(version.out).toBe("1.2.3\n");
  });

  it("prints the result as key=value lines, or as JSON", async () => {
    const lines = io();
    expect(await runResultCli(cli(result), [], lines)).toBe(0);
    expect(lines.out).toBe("outcome=SUCCESSFUL\narn=arn:x\n");
    const json = io();
    expect(await runResultCli(cli(result), ["--json"], json)).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ outcome: "SUCCESSFUL", arn: "arn:x" });
  });

  it("names every flag, its own and --json, --help, --version", () => {
    expect(resultFlagNames({ flags: valueFlags("cluster", "service") })).toEqual([
      "cluster",
      "service",
      "json",
      "help",
      "version",
    ]);
  });

  it("reads the flag, else its environment variable", () => {
    const { parse } = cli(result);
    expect(parse([], { ECS_CLUSTER: "env" })).toEqual({ action: "run", options: { cluster: "env" }, json: false });
    expect(parse(["--cluster", "flag"], { ECS_CLUSTER: "env" })).toMatchObject({ options: { cluster: "flag" } });
  });

  it("reports a known failure in one line with its kind's exit code, anything else as unexpected (1)", async () => {
    const usage = io();
    expect(await runResultCli(cli(result), ["--nope"], usage)).toBe(2);
    expect(usage.err).toMatch(/^deploy: usage error: Unknown option '--nope'.* \(see --help\)\n$/);
    const failingWith = async (error: Error) => {
      const captured = io();
      const code = await runResultCli(
        cli(() => Promise.reject(error)),
        [],
        captured,
      );
      return { code, err: captured.err };
    };
    expect(await failingWith(new TimeoutError("still running"))).toEqual({
      code: 7,
      err: "deploy: timed out: still running\n",
    });
    const unexpected = await failingWith(new TypeError("oops"));
    expect(unexpected.code).toBe(1);
    expect(unexpected.err).toMatch(/^deploy: unexpected error: TypeError: oops\n {4}at /);
  });
});
