import { APPSPEC_TASK_DEFINITION_PLACEHOLDER } from "@repo/service-contract/placeholders";
import { type Document, isMap, isScalar, isSeq, parseDocument, visit, YAMLSeq } from "yaml";
import { formatIssues, type Issue, ValidationError } from "./errors.ts";
import { HOOK_EVENTS, type HookFunctions } from "./hooks.ts";
import { isPlainObject } from "./register-schema.ts";

/** CodeDeploy's own placeholder: the Deploy stage puts the newly registered task definition's ARN there. */
export const TASK_DEFINITION_PLACEHOLDER = APPSPEC_TASK_DEFINITION_PLACEHOLDER;

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
/** The one placeholder that becomes a YAML number; it must be a whole scalar. */
const PORT_PLACEHOLDER = `\${CONTAINER_PORT}`;

export interface AppSpecValues {
  containerName: string;
  containerPort: number;
  hooks: HookFunctions;
}

/**
 * Renders the AppSpec template: `${CONTAINER_NAME}` and `${CONTAINER_PORT}` are filled (the port as a YAML number),
 * `<TASK_DEFINITION>` stays for CodeDeploy, and configured lifecycle hooks are added to `Hooks` (replacing an entry
 * for the same event). Comments and layout of the template are kept.
 */
export function renderAppSpec(templateText: string, file: string, values: AppSpecValues): string {
  const doc = parseDocument(templateText);
  if (doc.errors.length > 0) {
    throw new ValidationError(`${file}: not valid YAML: ${doc.errors.map((error) => error.message).join("; ")}`);
  }

  const unknown = new Set<string>();
  const known: Record<string, string> = { CONTAINER_NAME: values.containerName };
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      if (node.value === PORT_PLACEHOLDER) {
        node.value = values.containerPort;
        node.type = "PLAIN";
        return;
      }
      node.value = node.value.replace(PLACEHOLDER, (match, name: string) => {
        const value = known[name];
        if (value === undefined) unknown.add(name);
        return value ?? match;
      });
    },
  });
  if (unknown.size > 0) {
    throw new ValidationError(
      `${file}: unknown placeholder(s) ${[...unknown].map((name) => `\${${name}}`).join(", ")} (the AppSpec template may use \${CONTAINER_NAME} and \${CONTAINER_PORT}; CONTAINER_PORT must be a whole value)`,
    );
  }

  addHooks(doc, values.hooks, file);
  const issues = checkAppSpec(doc.toJS(), values);
  if (issues.length > 0) {
    throw new ValidationError(`${file}: not a valid ECS AppSpec for this deployment:\n${formatIssues(issues)}`);
  }
  return String(doc);
}

function addHooks(doc: Document, hooks: HookFunctions, file: string): void {
  const configured = HOOK_EVENTS.filter((event) => hooks[event] !== undefined);
  const node = doc.get("Hooks", true);
  const absent = node === undefined || (isScalar(node) && node.value === null);
  if (!absent && !isSeq(node)) {
    throw new ValidationError(`${file}: Hooks must be a list of "- <LifecycleEvent>: <lambda function>" entries`);
  }
  if (configured.length === 0) {
    if (absent || (isSeq(node) && node.items.length === 0)) doc.delete("Hooks");
    return;
  }
  const sequence: YAMLSeq = isSeq(node) ? node : new YAMLSeq();
  for (const event of configured) {
    const entry = doc.createNode({ [event]: hooks[event] });
    const existing = sequence.items.findIndex((item) => isMap(item) && item.has(event));
    if (existing === -1) sequence.items.push(entry);
    else sequence.items[existing] = entry;
  }
  doc.set("Hooks", sequence);
}

function checkAppSpec(spec: unknown, values: AppSpecValues): Issue[] {
  if (!isPlainObject(spec)) return [{ path: "(root)", problem: "must be a YAML mapping" }];
  const issues: Issue[] = [];
  if (spec.version !== 0 && spec.version !== "0.0") {
    issues.push({ path: "version", problem: `must be 0.0, got ${JSON.stringify(spec.version)}` });
  }
  const resources = spec.Resources;
  const target =
    Array.isArray(resources) && resources.length === 1 && isPlainObject(resources[0])
      ? resources[0].TargetService
      : undefined;
  if (!isPlainObject(target)) {
    issues.push({ path: "Resources", problem: "must hold exactly one entry, TargetService" });
    return issues;
  }
  if (target.Type !== "AWS::ECS::Service") {
    issues.push({
      path: "Resources[0].TargetService.Type",
      problem: `must be AWS::ECS::Service, got ${JSON.stringify(target.Type)}`,
    });
  }
  const properties = isPlainObject(target.Properties) ? target.Properties : {};
  if (properties.TaskDefinition !== TASK_DEFINITION_PLACEHOLDER) {
    issues.push({
      path: "Resources[0].TargetService.Properties.TaskDefinition",
      problem: `must be ${TASK_DEFINITION_PLACEHOLDER} (CodeDeploy fills it), got ${JSON.stringify(properties.TaskDefinition)}`,
    });
  }
  const loadBalancer = isPlainObject(properties.LoadBalancerInfo) ? properties.LoadBalancerInfo : {};
  if (loadBalancer.ContainerName !== values.containerName) {
    issues.push({
      path: "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerName",
      problem: `must be \${CONTAINER_NAME} (${values.containerName}), got ${JSON.stringify(loadBalancer.ContainerName)}`,
    });
  }
  if (loadBalancer.ContainerPort !== values.containerPort) {
    issues.push({
      path: "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort",
      problem: `must be \${CONTAINER_PORT} (${values.containerPort}), got ${JSON.stringify(loadBalancer.ContainerPort)}`,
    });
  }
  return issues;
}
