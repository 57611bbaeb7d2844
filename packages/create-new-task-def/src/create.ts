import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { renderAppSpec } from "./appspec.ts";
import { UsageError } from "./errors.ts";
import { deployableImageUri, parseDigest, parseImageReference, renderImageDetail } from "./image.ts";
import { type CreateTaskDefOptions, type Env, type Mode, modeOf } from "./options.ts";
import { renderTaskDefinitionTemplate, templateVariables } from "./template.ts";
import { targetPort, validateTaskDefinition } from "./validate.ts";
import { writeFilesAtomically } from "./write-artifacts.ts";

export const OUTPUT_FILES = {
  taskdef: "taskdef.json",
  appspec: "appspec.yaml",
  imageDetail: "imageDetail.json",
} as const;

export interface CreateTaskDefContext {
  /** This tool's settings and template variables (default: process.env). The AWS SDK itself reads process.env. */
  env?: Env;
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
  /** Client for registered mode (default: one built from the standard AWS settings). */
  ecsClient?: ECSClient;
  /** Progress lines for a person (the CLI sends them to stderr). */
  log?: (line: string) => void;
}

export interface RenderedArtifacts {
  mode: Mode;
  imageUri: string;
  taskDefinition: Record<string, unknown>;
  contents: Record<keyof typeof OUTPUT_FILES, string>;
}

export interface CreateTaskDefResult extends Omit<RenderedArtifacts, "contents"> {
  /** Absolute paths of the written files. */
  files: Record<keyof typeof OUTPUT_FILES, string>;
}

/** Renders and validates the three artifacts in memory; writes nothing. */
export async function renderArtifacts(
  options: CreateTaskDefOptions,
  context: CreateTaskDefContext = {},
): Promise<RenderedArtifacts> {
  const env = context.env ?? process.env;
  const cwd = context.cwd ?? process.cwd();
  const mode = modeOf(options);

  const reference = parseImageReference(options.image, "--image / IMAGE_URI");
  const digest = options.digest === undefined ? undefined : parseDigest(options.digest, "--digest / IMAGE_DIGEST");
  const imageUri = deployableImageUri(reference, digest);
  refuseToOverwriteInputs(options, cwd);

  const appspecTemplate = await readInput(
    resolve(cwd, options.appspec),
    options.appspec,
    "--appspec / APPSPEC_TEMPLATE",
  );
  let taskDefinition: Record<string, unknown>;
  let source: string;
  if (options.template !== undefined) {
    const text = await readInput(resolve(cwd, options.template), options.template, "--template / TASKDEF_TEMPLATE");
    const variables = templateVariables(options, { reference, uri: imageUri }, env);
    taskDefinition = renderTaskDefinitionTemplate(text, options.template, variables);
    source = options.template;
  } else {
    const family = options.family;
    if (family === undefined) throw new UsageError("registered mode needs --family / TASK_FAMILY");
    // The ECS client is loaded only in registered mode: template mode makes no AWS call and starts faster.
    const { createEcsClient, describeTaskDefinition, toRegistrationInput } = await import("./registered.ts");
    const client = context.ecsClient ?? createEcsClient(env);
    context.log?.(`describing the newest revision of task definition family ${family}`);
    const registered = await describeTaskDefinition(client, family);
    taskDefinition = toRegistrationInput(registered, options.container);
    source = `task definition ${registered.taskDefinition.taskDefinitionArn ?? family} (as registered in ECS)`;
  }

  const target = { source, container: options.container, port: options.port, imageUri };
  validateTaskDefinition(taskDefinition, target);
  const appspec = renderAppSpec(appspecTemplate, options.appspec, {
    containerName: options.container,
    containerPort: targetPort(taskDefinition, target),
    hooks: options.hooks,
  });
  return {
    mode,
    imageUri,
    taskDefinition,
    contents: {
      taskdef: `${JSON.stringify(taskDefinition, null, 2)}\n`,
      appspec,
      imageDetail: renderImageDetail(imageUri),
    },
  };
}

/** Renders, validates, then writes taskdef.json, appspec.yaml and imageDetail.json into options.out, all or none. */
export async function createNewTaskDef(
  options: CreateTaskDefOptions,
  context: CreateTaskDefContext = {},
): Promise<CreateTaskDefResult> {
  const rendered = await renderArtifacts(options, context);
  const outDir = resolve(context.cwd ?? process.cwd(), options.out);
  await writeFilesAtomically(outDir, [
    { name: OUTPUT_FILES.taskdef, content: rendered.contents.taskdef },
    { name: OUTPUT_FILES.appspec, content: rendered.contents.appspec },
    { name: OUTPUT_FILES.imageDetail, content: rendered.contents.imageDetail },
  ]);
  return {
    mode: rendered.mode,
    imageUri: rendered.imageUri,
    taskDefinition: rendered.taskDefinition,
    files: {
      taskdef: join(outDir, OUTPUT_FILES.taskdef),
      appspec: join(outDir, OUTPUT_FILES.appspec),
      imageDetail: join(outDir, OUTPUT_FILES.imageDetail),
    },
  };
}

/** Writing into the folder that holds the templates would replace appspec.yaml (the template) with its rendering. */
function refuseToOverwriteInputs(options: CreateTaskDefOptions, cwd: string): void {
  const outDir = resolve(cwd, options.out);
  const inputs = [
    { path: resolve(cwd, options.appspec), flag: "--appspec" },
    ...(options.template === undefined ? [] : [{ path: resolve(cwd, options.template), flag: "--template" }]),
  ];
  for (const name of Object.values(OUTPUT_FILES)) {
    const clash = inputs.find((input) => input.path === join(outDir, name));
    if (clash) {
      throw new UsageError(
        `--out ${options.out} would overwrite the ${clash.flag} template ${join(options.out, name)}; write the artifacts to another folder (e.g. --out .artifacts/deploy)`,
      );
    }
  }
}

async function readInput(path: string, shown: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a folder" : (error as Error).message;
    throw new UsageError(`${flag}: cannot read ${shown}: ${reason}`, { cause: error });
  }
}
