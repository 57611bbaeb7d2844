// Regenerates deployment.config.schema.json from the zod schema (a test fails when the committed file is stale).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deploymentConfigJsonSchemaText } from "../lib/config/json-schema.ts";

const target = fileURLToPath(new URL("../deployment.config.schema.json", import.meta.url));
writeFileSync(target, deploymentConfigJsonSchemaText());
console.log(`wrote ${target}`);
