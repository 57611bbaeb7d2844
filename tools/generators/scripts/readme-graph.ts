// pnpm --filter @repo/generators readme-graph: redraws the README's workspace diagram from the package.json files.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { workspaceRoot } from "@repo/service-contract";
import { README, readmeWithCurrentDiagram } from "../src/workspace/diagram.ts";

const root = workspaceRoot(process.cwd());
writeFileSync(path.join(root, README), readmeWithCurrentDiagram(root));
process.stderr.write(`${README}: workspace diagram redrawn\n`);
