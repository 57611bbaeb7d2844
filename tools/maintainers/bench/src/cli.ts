#!/usr/bin/env node
// pnpm bench [part ...] [--smoke] — see --help.
import { processIo, runTool } from "@repo/devkit/cli";
import { benchTool } from "./tool.ts";

process.exitCode = await runTool(benchTool, process.argv.slice(2), processIo());
