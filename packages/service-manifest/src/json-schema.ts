import { z } from "zod";
import { serviceManifestSchema } from "./schema.ts";

/** The JSON Schema editors use to complete and check service.json (generated from the zod schema, never by hand). */
export function serviceManifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(serviceManifestSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "service.schema.json",
    title: "Service manifest (apps/<service>/service.json)",
  };
}

export function serviceManifestJsonSchemaText(): string {
  return `${JSON.stringify(serviceManifestJsonSchema(), null, 2)}\n`;
}
