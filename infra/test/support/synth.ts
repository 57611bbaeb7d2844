// Test support: a throw-away repository root with generated manifests, synthesized once per scenario.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ServiceManifestInput } from "@repo/service-contract";
import { type DeploymentConfigInput, parseDeploymentConfig } from "@repo/service-contract";
import { Template } from "aws-cdk-lib/assertions";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { type CloudAssembly, DISABLE_ASSET_STAGING_CONTEXT } from "aws-cdk-lib/cx-api";
import { buildInfra, createApp, type Infra } from "../../lib/infra-app.ts";
import { temporaryDir } from "./temporary.ts";

export const TEST_CONFIG_FILE = "test/deployment.config.json";
export const TEST_IMAGE = "public.ecr.aws/docker/library/node:24-bookworm-slim";

export function manifest(name: string, port: number, extra: Partial<ServiceManifestInput> = {}): ServiceManifestInput {
  return { name, port, ...extra };
}

/** The root files of a minimal pnpm workspace (every service's pipeline is triggered by them too). */
export const WORKSPACE_ROOT_FILES: Readonly<Record<string, string>> = {
  "package.json": '{ "name": "test-monorepo", "private": true }\n',
  "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
  "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
};

/**
 * Writes a pnpm workspace into a new temporary folder: the root files, apps/<name>/service.json and a package.json
 * (@repo/<name>) for each manifest, then any extra files (which may replace those).
 */
export function makeRepo(manifests: readonly ServiceManifestInput[], files: Record<string, string> = {}): string {
  const root = temporaryDir("repo");
  for (const [file, content] of Object.entries(WORKSPACE_ROOT_FILES)) writeFileSync(path.join(root, file), content);
  for (const m of manifests) {
    mkdirSync(path.join(root, "apps", m.name), { recursive: true });
    writeFileSync(path.join(root, "apps", m.name, "service.json"), JSON.stringify(m, null, 2));
    writeFileSync(
      path.join(root, "apps", m.name, "package.json"),
      `${JSON.stringify({ name: `@repo/${m.name}`, private: true }, null, 2)}\n`,
    );
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

export interface Scenario {
  infra: Infra;
  assembly: CloudAssembly;
  repoRoot: string;
  /** Template of a stack by its name (e.g. "bluegreen-orders"). */
  template(stackName: string): Template;
  json(stackName: string): TemplateJson;
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface ScenarioOptions {
  manifests: readonly ServiceManifestInput[];
  config?: DeploymentConfigInput;
  /** CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION as the CLI would set them; default: none (offline placeholder). */
  env?: NodeJS.ProcessEnv;
  /** Build the default initial image asset (needs Dockerfiles in the repo); default: a registry image. */
  defaultImage?: boolean;
  files?: Record<string, string>;
  /** Register cdk-nag at synth (a finding then fails synth). Tests usually run it per stack instead. */
  nag?: boolean;
  /** Register the Control Tower rules at synth (control-tower level only). Tests usually evaluate them instead. */
  controlTowerChecks?: boolean;
  stageAssets?: boolean;
  cfnValidation?: boolean;
  /** Synthesize this existing repository root instead of a new one made from manifests and files. */
  repoRoot?: string;
}

export function synthesize(options: ScenarioOptions): Scenario {
  const repoRoot = options.repoRoot ?? makeRepo(options.manifests, options.files);
  const app = createApp({
    outdir: temporaryDir("out"),
    context: { [DISABLE_ASSET_STAGING_CONTEXT]: !(options.stageAssets ?? false) },
    cfnValidation: options.cfnValidation ?? false,
  });
  const infra = buildInfra(app, {
    repoRoot,
    config: parseDeploymentConfig(options.config ?? {}, TEST_CONFIG_FILE),
    configFile: TEST_CONFIG_FILE,
    env: options.env ?? {},
    nag: options.nag ?? false,
    controlTowerChecks: options.controlTowerChecks ?? false,
    ...(options.defaultImage ? {} : { initialImage: () => ecs.ContainerImage.fromRegistry(TEST_IMAGE) }),
  });
  const assembly = app.synth();
  const json = (stackName: string) => assembly.getStackByName(stackName).template as TemplateJson;
  return { infra, assembly, repoRoot, json, template: (stackName) => Template.fromJSON(json(stackName)) };
}

/** Resources of one type, by logical id. */
export function resourcesOfType(
  template: TemplateJson,
  type: string,
): Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

export function onlyResource(template: TemplateJson, type: string) {
  const found = Object.entries(resourcesOfType(template, type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }];
  return { logicalId, properties: resource.Properties ?? {}, dependsOn: resource.DependsOn ?? [] };
}

/** A CloudFormation value that may be one item or a list (IAM Resource, Action), as a list. */
export const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
