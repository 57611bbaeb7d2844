import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseServiceManifest, type ServiceManifest } from "@repo/service-contract";
import { GeneratorError } from "../errors.ts";
import { setJsonValue } from "../workspace/json-edit.ts";
import type { NewFile } from "../workspace/new-folder.ts";
import { isText, listProjectFiles } from "../workspace/project-files.ts";
import { type ServiceSettings, TEMPLATE_DIR, TEMPLATE_SERVICE, trafficSteps } from "./settings.ts";

/*
 * A new service is the template service's own files with a small, explicit set of substitutions, so there is
 * no second template to drift. The substitutions:
 *   - the name: every mention of "sample-service" in every text file (package name, SERVICE_NAME default,
 *     Dockerfile ARG, README, tests);
 *   - the port: exactly the places listed in PORT_SITES;
 *   - the health check path: the "/health" string literal in TypeScript files and `GET /health` in the README;
 *   - service.json: name, port, healthCheckPath, cpu, memory and the deployment strategy, set in place.
 * The generator then formats the result with Biome (a Markdown table column may change width).
 * A site that no longer matches the template fails loudly (and the generator's tests fail first): update the
 * list here together with the template.
 */

export const MANIFEST_FILE = "service.json";

/** Every place the template spells its port, each expected exactly once. */
export const PORT_SITES: readonly { file: string; text: (port: number) => string }[] = [
  { file: "src/config.ts", text: (port) => `read("PORT", "${port}"` },
  { file: "test/config.test.ts", text: (port) => `port: ${port},` },
  { file: "README.md", text: (port) => `\`${port}\`` },
];

/** Where the app defines the health route; the path is also replaced in every other TypeScript file (tests). */
export const HEALTH_PATH_SOURCE = "src/app.ts";

export interface TemplateFile {
  /** Relative to the template folder, forward slashes. */
  path: string;
  content: Buffer;
  mode: number;
}

/** The template's own files: what git tracks or would track (never node_modules, dist, .turbo). */
export function readTemplateFiles(root: string): TemplateFile[] {
  return listProjectFiles(root, TEMPLATE_DIR).map((file) => {
    const absolute = path.join(root, TEMPLATE_DIR, file);
    return { path: file, content: readFileSync(absolute), mode: statSync(absolute).mode & 0o777 };
  });
}

/** The new service's files: the template's, with the substitutions above. */
export function deriveService(
  files: readonly TemplateFile[],
  template: ServiceManifest,
  settings: ServiceSettings,
): NewFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  for (const required of [MANIFEST_FILE, HEALTH_PATH_SOURCE, ...PORT_SITES.map((site) => site.file)]) {
    if (!byPath.has(required)) throw drift(required, "is missing");
  }

  const derived = files.map((file): NewFile => {
    if (!isText(file.content)) return { path: file.path, content: file.content, mode: file.mode };
    const text = file.content.toString("utf8");
    const content =
      file.path === MANIFEST_FILE
        ? deriveManifest(text, template, settings)
        : deriveText(file.path, text, template, settings);
    return { path: file.path, content, mode: file.mode };
  });

  const manifest = derived.find((file) => file.path === MANIFEST_FILE)?.content as string;
  parseServiceManifest(JSON.parse(manifest), `apps/${settings.name}/${MANIFEST_FILE}`);
  return derived;
}

function deriveText(file: string, text: string, template: ServiceManifest, settings: ServiceSettings): string {
  let result = text;
  for (const site of PORT_SITES.filter((candidate) => candidate.file === file)) {
    const find = site.text(template.port);
    const count = occurrences(result, find);
    if (count !== 1) throw drift(file, `should contain ${JSON.stringify(find)} once (found ${count})`);
    result = replaceAll(result, find, site.text(settings.port));
  }

  const healthLiteral = (value: string) => (file.endsWith(".ts") ? JSON.stringify(value) : `\`GET ${value}\``);
  if (file === HEALTH_PATH_SOURCE && !result.includes(healthLiteral(template.healthCheckPath))) {
    throw drift(file, `should define the health route ${healthLiteral(template.healthCheckPath)}`);
  }
  if (file.endsWith(".ts") || file.endsWith(".md")) {
    result = replaceAll(result, healthLiteral(template.healthCheckPath), healthLiteral(settings.healthCheckPath));
  }

  return replaceAll(result, TEMPLATE_SERVICE, settings.name);
}

function deriveManifest(text: string, template: ServiceManifest, settings: ServiceSettings): string {
  let result = text;
  const set = (jsonPath: (string | number)[], value: unknown, current: unknown) => {
    if (value !== current) result = setJsonValue(result, jsonPath, value);
  };
  const raw = JSON.parse(text) as { deployment?: { percent?: number; intervalMinutes?: number } };
  set(["name"], settings.name, template.name);
  set(["port"], settings.port, template.port);
  set(["healthCheckPath"], settings.healthCheckPath, template.healthCheckPath);
  set(["cpu"], settings.cpu, template.cpu);
  set(["memory"], settings.memory, template.memory);
  set(["deployment", "strategy"], settings.strategy, template.deployment.strategy);
  const steps = trafficSteps(settings.strategy, template);
  set(["deployment", "percent"], steps?.percent, raw.deployment?.percent);
  set(["deployment", "intervalMinutes"], steps?.intervalMinutes, raw.deployment?.intervalMinutes);
  return result;
}

function occurrences(text: string, find: string): number {
  return text.split(find).length - 1;
}

function replaceAll(text: string, find: string, replacement: string): string {
  return text.split(find).join(replacement);
}

function drift(file: string, problem: string): GeneratorError {
  return new GeneratorError(
    `${TEMPLATE_DIR}/${file} ${problem}: the template changed, so the service generator cannot derive from it. ` +
      "Update the substitutions in tools/generators/src/service/derive.ts to match the template.",
  );
}
