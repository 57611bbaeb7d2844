// Regenerates the root taskdef.template.json from the task definition the stack registers (src/task-definition.ts).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { workspaceRoot } from "../src/node-runtime.ts";
import { taskDefinitionTemplateText } from "../src/task-definition.ts";

const target = path.join(workspaceRoot(import.meta.dirname), "taskdef.template.json");
writeFileSync(target, taskDefinitionTemplateText());
console.log(`wrote ${target}`);
