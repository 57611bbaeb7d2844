import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type IsolatedResult, runIsolated } from "@repo/devkit/isolated";
import { parseServiceManifest, taskDefinitionTemplateVariables } from "@repo/service-contract";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const REPO_ROOT = join(PACKAGE_DIR, "..", "..");
export const BUNDLE = join(PACKAGE_DIR, "dist", "cli.js");
export const GOLDEN_DIR = join(PACKAGE_DIR, "test", "golden");
export const ROOT_APPSPEC = join(REPO_ROOT, "appspec.yaml");
export const ROOT_TASKDEF_TEMPLATE = join(REPO_ROOT, "taskdef.template.json");

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const FAMILY = "bluegreen-sample-service";
export const CONTAINER = "sample-service";
export const PORT = 3000;
export const REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sample-service`;
/** The service's BuildKit cache repository (mutable tags, apart from the immutable image repository). */
export const CACHE_REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sample-service-buildcache`;
export const DIGEST = `sha256:${"3f".repeat(32)}`;
export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";

/**
 * A DescribeTaskDefinition response as ECS sends it for a CDK-registered Fargate service with a sidecar, with EVERY
 * read-only member present (taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt,
 * registeredBy, deregisteredAt, deleteRequestedAt) and tags. Timestamps are epoch seconds, as the JSON protocol sends them.
 */
export function describeTaskDefinitionResponse() {
  return {
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${FAMILY}:7`,
      containerDefinitions: [
        {
          name: CONTAINER,
          image: `${REPOSITORY}:0f3c2a1`,
          cpu: 0,
          portMappings: [{ containerPort: PORT, hostPort: PORT, protocol: "tcp" }],
          essential: true,
          environment: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "NODE_ENV", value: "production" },
            { name: "PORT", value: "3000" },
            { name: "SERVICE_NAME", value: "sample-service" },
            { name: "SHUTDOWN_GRACE_MS", value: "25000" },
          ],
          mountPoints: [],
          volumesFrom: [],
          secrets: [
            {
              name: "DATABASE_URL",
              valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:sample/database-AbCdEf`,
            },
          ],
          stopTimeout: 30,
          user: "1000",
          readonlyRootFilesystem: true,
          dockerLabels: { "com.example.team": "platform" },
          ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "BlueGreen-sample-service-Logs1234",
              "awslogs-region": REGION,
              "awslogs-stream-prefix": "sample-service",
            },
            secretOptions: [],
          },
          healthCheck: {
            command: ["CMD-SHELL", "node -e \"fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1))\""],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 10,
          },
          systemControls: [],
        },
        {
          name: "otel-collector",
          image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1",
          cpu: 32,
          memoryReservation: 64,
          portMappings: [],
          essential: false,
          environment: [],
          mountPoints: [],
          volumesFrom: [],
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "BlueGreen-sample-service-Logs1234",
              "awslogs-region": REGION,
              "awslogs-stream-prefix": "otel",
            },
          },
          systemControls: [],
        },
      ],
      family: FAMILY,
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/BlueGreen-sample-service-TaskRole`,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/BlueGreen-sample-service-ExecutionRole`,
      networkMode: "awsvpc",
      revision: 7,
      volumes: [],
      status: "ACTIVE",
      requiresAttributes: [
        { name: "com.amazonaws.ecs.capability.logging-driver.awslogs" },
        { name: "ecs.capability.execution-role-awslogs" },
        { name: "com.amazonaws.ecs.capability.ecr-auth" },
        { name: "com.amazonaws.ecs.capability.docker-remote-api.1.19" },
        { name: "ecs.capability.secrets.asm.environment-variables" },
        { name: "com.amazonaws.ecs.capability.task-iam-role" },
        { name: "ecs.capability.container-health-check" },
        { name: "ecs.capability.execution-role-ecr-pull" },
        { name: "ecs.capability.task-eni" },
      ],
      placementConstraints: [],
      compatibilities: ["EC2", "FARGATE"],
      runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" },
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      registeredAt: 1767225600.123,
      deregisteredAt: 1767312000.456,
      deleteRequestedAt: 1767398400.789,
      registeredBy: `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`,
      enableFaultInjection: false,
    },
    tags: [
      { key: "service", value: "sample-service" },
      { key: "aws:cloudformation:stack-name", value: "BlueGreen-sample-service" },
    ],
  };
}

export async function makeTempDir(prefix = "cntd-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every entry below `dir` (relative path -> file content, or "<dir>"), to assert a folder is exactly as it was. */
export async function snapshotDir(dir: string): Promise<Record<string, string> | "absent"> {
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) return "absent";
  const entries: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        entries[`${relative(dir, path)}/`] = "<dir>";
        await walk(path);
      } else {
        entries[relative(dir, path)] = await readFile(path, "utf8");
      }
    }
  };
  await walk(dir);
  return entries;
}

/**
 * The sample service's manifest with a variable and a secret of its own, so the template's environment and secrets
 * are exercised.
 */
export const SAMPLE_MANIFEST = parseServiceManifest(
  {
    name: CONTAINER,
    port: PORT,
    environment: { LOG_LEVEL: "info" },
    secrets: { DATABASE_URL: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:sample/database-AbCdEf` },
  },
  "apps/sample-service/service.json",
);

/** The root taskdef.template.json's variables for that service, as the contract derives them. */
export const TEMPLATE_ENV: Record<string, string> = taskDefinitionTemplateVariables(SAMPLE_MANIFEST, {
  family: FAMILY,
  containerName: CONTAINER,
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/BlueGreen-sample-service-ExecutionRole`,
  taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/BlueGreen-sample-service-TaskRole`,
  logGroup: "/ecs/sample-service",
  region: REGION,
});

/** Runs the BUILT bundle (dist/cli.js, or the copy at `options.bundle`) with `node`, isolated (devkit's runIsolated). */
export function runBundle(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; uid?: number; gid?: number; bundle?: string },
): Promise<IsolatedResult> {
  return runIsolated(process.execPath, [options.bundle ?? BUNDLE, ...args], options);
}

/** The read-only members named by the ECS API reference, written out here independently of the implementation. */
export const READ_ONLY_MEMBERS = [
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
  "deleteRequestedAt",
];
