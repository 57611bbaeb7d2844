// Regenerates service.schema.json and deployment.config.schema.json from the zod schemas.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { JSON_SCHEMA_FILES, jsonSchemaText } from "../src/json-schema.ts";

for (const entry of JSON_SCHEMA_FILES) {
  const target = fileURLToPath(new URL(`../${entry.file}`, import.meta.url));
  writeFileSync(target, jsonSchemaText(entry));
  console.log(`wrote ${target}`);
}
