// Files generated from this package and committed: editors read the JSON Schemas, the Build stage's template mode
// reads taskdef.template.json. Each must be what the code generates (`pnpm --filter @repo/service-contract generate`).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_FILES } from "../src/json-schema.ts";
import { workspaceRoot } from "../src/node-runtime.ts";
import { taskDefinitionTemplate } from "../src/task-definition.ts";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
const committed = (file: string) => JSON.parse(readFileSync(file, "utf8")) as unknown;

describe("committed generated files", () => {
  for (const entry of JSON_SCHEMA_FILES) {
    it(`${entry.file} is the JSON Schema of its zod schema`, () => {
      expect(committed(path.join(PACKAGE_DIR, entry.file))).toEqual(entry.schema());
    });
  }

  it("taskdef.template.json is the task definition the stack registers, with placeholders", () => {
    expect(committed(path.join(workspaceRoot(import.meta.dirname), "taskdef.template.json"))).toEqual(
      taskDefinitionTemplate(),
    );
  });
});
