// The synthesized CloudFormation templates the rehearsal reads its load balancer, deployment and hook settings from,
// and the few intrinsic functions needed to follow a reference from one resource to another (across stacks too).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runChecked } from "@repo/devkit/process";

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** A resource, where it lives, and its properties (never undefined). */
export interface FoundResource {
  stack: string;
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
}

/** A template does not hold what the rehearsal needs, or holds it in a shape it cannot follow. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

export interface SynthRequest {
  /** The infra package whose app is run (its node_modules hold aws-cdk-lib). */
  infraDir: string;
  /** Where apps/<service>/service.json are discovered, and whose infra/deployment.config.json is read. */
  repoRoot: string;
  outDir: string;
  signal?: AbortSignal;
}

/**
 * Runs infra's CDK app (what `cdk synth` runs, cdk.json's "app") into `outDir`, offline: no AWS credentials or
 * account reach it, so the stacks carry the offline placeholder account and region.
 */
export async function synthesize(request: SynthRequest): Promise<void> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_)/.test(name)) env[name] = value;
  }
  await runChecked(process.execPath, ["bin/app.ts"], {
    cwd: request.infraDir,
    env: {
      ...env,
      CDK_OUTDIR: request.outDir,
      INFRA_REPO_ROOT: request.repoRoot,
      DEPLOYMENT_CONFIG: path.join(request.repoRoot, "infra", "deployment.config.json"),
    },
    group: true,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

/** The stacks of one cloud assembly (cdk.out), by name. */
export class Stacks {
  private constructor(
    readonly assemblyDir: string,
    private readonly templates: ReadonlyMap<string, CfnTemplate>,
  ) {}

  static async read(assemblyDir: string, stackNames: readonly string[]): Promise<Stacks> {
    const templates = new Map<string, CfnTemplate>();
    for (const name of stackNames) {
      const file = path.join(assemblyDir, `${name}.template.json`);
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch {
        throw new TemplateError(`${file}: not found (did infra synthesize a stack named ${name}?)`);
      }
      templates.set(name, JSON.parse(text) as CfnTemplate);
    }
    return new Stacks(assemblyDir, templates);
  }

  template(stack: string): CfnTemplate {
    const template = this.templates.get(stack);
    if (!template) throw new TemplateError(`stack ${stack} was not read`);
    return template;
  }

  resource(stack: string, logicalId: string): FoundResource {
    const resource = this.template(stack).Resources[logicalId];
    if (!resource) throw new TemplateError(`${stack}: no resource ${logicalId}`);
    return { stack, logicalId, type: resource.Type, properties: resource.Properties ?? {} };
  }

  /** Every resource of a type in a stack. */
  ofType(stack: string, type: string): FoundResource[] {
    return Object.entries(this.template(stack).Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId]) => this.resource(stack, logicalId));
  }

  /** The one resource of a type in a stack (with `where`, the one that matches). */
  only(stack: string, type: string, where: (resource: FoundResource) => boolean = () => true): FoundResource {
    const found = this.ofType(stack, type).filter(where);
    if (found.length !== 1) {
      throw new TemplateError(
        `${stack}: expected one ${type}${where.length ? " that matches" : ""}, found ${found.length}`,
      );
    }
    return found[0] as FoundResource;
  }

  /**
   * The resource a value refers to: `Ref`, `Fn::GetAtt` (the resource, not the attribute) or `Fn::GetStackOutput`
   * (followed into the other stack's output, which refers on).
   */
  referenced(stack: string, value: unknown, what: string): FoundResource {
    const ref = asRecord(value);
    if (typeof ref?.Ref === "string") return this.resource(stack, ref.Ref);
    const getAtt = ref?.["Fn::GetAtt"];
    if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return this.resource(stack, getAtt[0]);
    const output = asRecord(ref?.["Fn::GetStackOutput"]);
    if (typeof output?.StackName === "string" && typeof output.OutputName === "string") {
      const target = this.template(output.StackName).Outputs?.[output.OutputName];
      if (!target) throw new TemplateError(`${output.StackName}: no output ${output.OutputName} (${what})`);
      return this.referenced(output.StackName, target.Value, what);
    }
    throw new TemplateError(`${stack}: ${what} is ${JSON.stringify(value)}, not a reference the rehearsal can follow`);
  }
}

/**
 * A string property: a literal, or an `Fn::Join` whose non-literal parts (tokens such as a load balancer's DNS name)
 * become `token(part)`.
 */
export function joinedString(value: unknown, token: (part: unknown) => string, what: string): string {
  if (typeof value === "string") return value;
  const join = asRecord(value)?.["Fn::Join"];
  if (Array.isArray(join) && typeof join[0] === "string" && Array.isArray(join[1])) {
    return (join[1] as unknown[]).map((part) => (typeof part === "string" ? part : token(part))).join(join[0]);
  }
  throw new TemplateError(`${what} is ${JSON.stringify(value)}, neither a string nor an Fn::Join`);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A number property, as CloudFormation allows it (a number or a numeric string). */
export function numberProperty(value: unknown, what: string): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) {
    throw new TemplateError(`${what} is ${JSON.stringify(value)}, not a number`);
  }
  return number;
}

export function stringProperty(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TemplateError(`${what} is ${JSON.stringify(value)}, not a string`);
  return value;
}
