import { z } from "zod";
import { deploymentConfigSchema } from "./schema.ts";

/** The JSON Schema editors use to complete deployment.config.json (generated from the zod schema, never by hand). */
export function deploymentConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deploymentConfigSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "deployment.config.schema.json",
    title: "Deployment configuration (infra/deployment.config.json)",
  };
}

export function deploymentConfigJsonSchemaText(): string {
  return `${JSON.stringify(deploymentConfigJsonSchema(), null, 2)}\n`;
}
