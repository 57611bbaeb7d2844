import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { projectFiles } from "@repo/devkit/files";
import {
  defaultLoadBalancerMode,
  formatIssues,
  type ServiceManifest,
  serviceManifestSchema,
} from "@repo/service-contract";
import { GeneratorError, problemsMessage } from "../errors.ts";
import { setJsonValue } from "../workspace/json-edit.ts";
import type { NewFile } from "../workspace/new-folder.ts";
import { type ServiceAnswers, type ServiceSettings, TEMPLATE_DIR, trafficSteps } from "./settings.ts";

/*
 * A new service is the template service's folder, copied file for file. Its source never names the service, its
 * port or its health path (it reads them at run time from the platform or its own service.json), so only two files
 * differ: service.json, with the chosen settings set in place, and package.json, renamed. There is no substitution
 * table to keep in step with the template.
 */

export const MANIFEST_FILE = "service.json";
export const PACKAGE_FILE = "package.json";

/** One of the template's files: its path relative to the template folder, its bytes and its mode. */
export type TemplateFile = Required<NewFile> & { content: Buffer };

/** The template's own files: what git tracks or would track (never node_modules, dist, .turbo). */
export function readTemplateFiles(root: string): TemplateFile[] {
  return projectFiles(root, TEMPLATE_DIR).map((file) => {
    const absolute = path.join(root, TEMPLATE_DIR, file);
    return { path: file, content: readFileSync(absolute), mode: statSync(absolute).mode & 0o777 };
  });
}

/** The new service's files: the template's, with its own service.json and package name. */
export function deriveService(
  files: readonly TemplateFile[],
  template: ServiceManifest,
  settings: ServiceSettings,
  packageName: string,
): NewFile[] {
  for (const required of [MANIFEST_FILE, PACKAGE_FILE]) {
    if (!files.some((file) => file.path === required)) {
      throw new GeneratorError(`${TEMPLATE_DIR}/${required} is missing: the service generator copies the template's`);
    }
  }
  const derived = files.map((file): NewFile => {
    if (file.path === MANIFEST_FILE) {
      return {
        path: file.path,
        content: deriveManifest(file.content.toString("utf8"), template, settings),
        mode: file.mode,
      };
    }
    if (file.path === PACKAGE_FILE) {
      return {
        path: file.path,
        content: setJsonValue(file.content.toString("utf8"), ["name"], packageName),
        mode: file.mode,
      };
    }
    return { path: file.path, content: file.content, mode: file.mode };
  });
  const manifest = derived.find((file) => file.path === MANIFEST_FILE)?.content as string;
  const problems = manifestProblems(JSON.parse(manifest), `apps/${settings.name}/${MANIFEST_FILE}`);
  if (problems.length > 0) throw new GeneratorError(problemsMessage("cannot create the service", problems));
  return derived;
}

/** Which answer sets a service.json field (the first match, most specific first). */
const ANSWER_OF_FIELD: readonly [string, keyof ServiceAnswers][] = [
  ["deployment.engine", "engine"],
  ["deployment", "deployment"],
  ["loadBalancer", "loadBalancer"],
  ["route", "route"],
  ["name", "name"],
  ["port", "port"],
  ["healthCheckPath", "healthCheckPath"],
  ["cpu", "size"],
  ["memory", "size"],
];

/**
 * The contract's verdict on the new manifest as a whole (what one answer alone cannot show: a strategy the engine
 * cannot run, a shared load balancer for CodeDeploy), each problem under the answer that set the field.
 */
function manifestProblems(manifest: unknown, file: string): string[] {
  const result = serviceManifestSchema.safeParse(manifest);
  if (result.success) return [];
  return formatIssues(result.error.issues).map((problem) => {
    const split = problem.indexOf(": ");
    const field = problem.slice(0, split);
    const message = problem.slice(split + 2);
    const answer = ANSWER_OF_FIELD.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`))?.[1];
    if (!answer) return `${file}: ${problem}`;
    return answer === field ? `${answer}: ${message}` : `${answer}: ${message} (service.json: ${field})`;
  });
}

function deriveManifest(text: string, template: ServiceManifest, settings: ServiceSettings): string {
  let result = text;
  const set = (jsonPath: (string | number)[], value: unknown, current: unknown) => {
    if (value !== current) result = setJsonValue(result, jsonPath, value);
  };
  const raw = JSON.parse(text) as {
    deployment?: { percent?: number; intervalMinutes?: number };
    loadBalancer?: string;
    route?: unknown;
  };
  set(["name"], settings.name, template.name);
  set(["port"], settings.port, template.port);
  set(["healthCheckPath"], settings.healthCheckPath, template.healthCheckPath);
  set(["cpu"], settings.cpu, template.cpu);
  set(["memory"], settings.memory, template.memory);
  set(["deployment", "strategy"], settings.strategy, template.deployment.strategy);
  const steps = trafficSteps(settings.strategy, template);
  set(["deployment", "percent"], steps?.percent, raw.deployment?.percent);
  set(["deployment", "intervalMinutes"], steps?.intervalMinutes, raw.deployment?.intervalMinutes);
  set(["deployment", "engine"], settings.engine, template.deployment.engine);
  // Written only where it differs from the engine's default (the template's own setting is kept as written).
  if (raw.loadBalancer !== settings.loadBalancer) {
    const explicit =
      settings.loadBalancer === defaultLoadBalancerMode(settings.engine) ? undefined : settings.loadBalancer;
    if (explicit !== raw.loadBalancer) result = setJsonValue(result, ["loadBalancer"], explicit, "deployment");
  }
  if (JSON.stringify(settings.route) !== JSON.stringify(raw.route)) {
    const after = "loadBalancer" in (JSON.parse(result) as object) ? "loadBalancer" : "deployment";
    result = setJsonValue(result, ["route"], settings.route, after);
  }
  return result;
}
