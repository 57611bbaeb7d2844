#!/usr/bin/env node
import { start } from "@repo/devkit/cli";
import { main } from "./main.ts";

await start(main);
