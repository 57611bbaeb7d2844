// The JSON Schemas editors use to complete the files people write, generated from the zod schemas (never by hand);
// a test fails when a committed schema file is stale (`pnpm --filter @repo/service-contract generate` rewrites them).
import { z } from "zod";
import { deploymentConfigSchema } from "./deployment-config/schema.ts";
import { serviceManifestSchema } from "./manifest/schema.ts";

export interface JsonSchemaFile {
  /** Written next to this package's package.json. */
  file: string;
  schema: () => Record<string, unknown>;
}

function jsonSchemaOf(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...generated, $id: id, title };
}

export const JSON_SCHEMA_FILES: readonly JsonSchemaFile[] = [
  {
    file: "service.schema.json",
    schema: () =>
      jsonSchemaOf(serviceManifestSchema, "service.schema.json", "Service manifest (apps/<service>/service.json)"),
  },
  {
    file: "deployment.config.schema.json",
    schema: () =>
      jsonSchemaOf(
        deploymentConfigSchema,
        "deployment.config.schema.json",
        "Deployment configuration (infra/deployment.config.json)",
      ),
  },
];

export function jsonSchemaText(file: JsonSchemaFile): string {
  return `${JSON.stringify(file.schema(), null, 2)}\n`;
}
