// Regenerates service.schema.json from the zod schema (a test fails when the committed file is stale).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serviceManifestJsonSchemaText } from "../src/json-schema.ts";

const target = fileURLToPath(new URL("../service.schema.json", import.meta.url));
writeFileSync(target, serviceManifestJsonSchemaText());
console.log(`wrote ${target}`);
