import { z } from "zod";
import { KEBAB_CASE, KEBAB_CASE_RULE } from "../naming.ts";
import { ANYWHERE, cidrProblem, cidrSize, isPrivate, PRIVATE_RANGES, parseCidr } from "./cidr.ts";
import {
  COMPLIANCE_LEVELS,
  CONTROL_TOWER_MIN_LOG_RETENTION_DAYS,
  CONTROL_TOWER_REQUIRED_FIELDS,
  DEFAULT_LOG_RETENTION_DAYS,
} from "./compliance.ts";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Longest project name: "CodeDeployHook_<project>-<service>" must fit Lambda's 64-character function names. */
export const MAX_PROJECT_NAME_LENGTH = 20;

const cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Subnets of a new VPC, per availability zone: a public /22 and a private /20 (see infra's Network construct). */
export const NEW_VPC_SUBNET_MASKS = { public: 22, private: 20 } as const;

const arn = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws[\\w-]*:${service}:`), `must be an ${service} ARN (arn:aws:${service}:...)`);

/** CodeBuild general-purpose Linux sizes the image builds may use. */
export const BUILD_COMPUTE_TYPES = ["small", "medium", "large"] as const;
export type BuildComputeType = (typeof BUILD_COMPUTE_TYPES)[number];

const NEW_VPC_FIELDS = ["cidr", "maxAzs", "natGateways"] as const;

const network = z
  .object({
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id such as vpc-0123456789abcdef0")
      .optional()
      .describe(
        "Use this existing VPC instead of creating one (looked up with the deploy credentials; needs public subnets and private subnets with egress).",
      ),
    egressCidrs: z
      .array(cidr)
      .optional()
      .describe(
        "Existing VPC only: the public addresses its private subnets reach the internet from (NAT gateways, as /32). The test-traffic hook calls the test listener from there.",
      ),
    cidr: cidr.optional().describe("New VPC: its address range (default 10.0.0.0/16)."),
    maxAzs: z.number().int().min(2).max(6).optional().describe("New VPC: availability zones it spans (default 2)."),
    natGateways: z
      .number()
      .int()
      .min(1, "must be at least 1: tasks in the private subnets pull images and call AWS through a NAT gateway")
      .max(6)
      .optional()
      .describe("New VPC: NAT gateways (default 1, the cheapest; one per AZ survives the loss of an AZ)."),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.vpcId !== undefined) {
      for (const field of NEW_VPC_FIELDS) {
        if (value[field] !== undefined) {
          ctx.addIssue({ code: "custom", path: [field], message: "applies to a new VPC only; remove it or vpcId" });
        }
      }
      if (value.egressCidrs === undefined || value.egressCidrs.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["egressCidrs"],
          message:
            "is required with vpcId: list the public addresses of the VPC's NAT gateways as /32 (the test-traffic " +
            "hook calls the test listener from there; without them every deployment's smoke test fails and rolls back)",
        });
      }
    } else if (value.egressCidrs !== undefined) {
      ctx.addIssue({ code: "custom", path: ["egressCidrs"], message: "applies to an existing VPC (vpcId) only" });
    }
    if (value.cidr !== undefined && cidrProblem(value.cidr) === undefined) {
      const block = parseCidr(value.cidr);
      if (!isPrivate(block)) {
        ctx.addIssue({
          code: "custom",
          path: ["cidr"],
          message: `${value.cidr} is not private address space: use a block within ${PRIVATE_RANGES.join(", ")}`,
        });
      }
      const maxAzs = value.maxAzs ?? 2;
      const needed =
        maxAzs *
        (cidrSize({ address: 0, prefix: NEW_VPC_SUBNET_MASKS.public }) +
          cidrSize({ address: 0, prefix: NEW_VPC_SUBNET_MASKS.private }));
      if (block.prefix < 16 || block.prefix > 28) {
        ctx.addIssue({ code: "custom", path: ["cidr"], message: "must be a /16 to /28 block (what a VPC accepts)" });
      } else if (cidrSize(block) < needed) {
        ctx.addIssue({
          code: "custom",
          path: ["cidr"],
          message:
            `${value.cidr} holds ${cidrSize(block)} addresses; ${maxAzs} AZs of a public /${NEW_VPC_SUBNET_MASKS.public} ` +
            `and a private /${NEW_VPC_SUBNET_MASKS.private} need ${needed}: use a larger block (a /16) or fewer maxAzs`,
        });
      }
    }
    if (value.natGateways !== undefined && value.natGateways > (value.maxAzs ?? 2)) {
      ctx.addIssue({ code: "custom", path: ["natGateways"], message: "cannot exceed maxAzs (one NAT gateway per AZ)" });
    }
  })
  .transform(
    (value): NetworkConfig =>
      value.vpcId !== undefined
        ? { kind: "existing", vpcId: value.vpcId, egressCidrs: value.egressCidrs ?? [] }
        : {
            kind: "new",
            cidr: value.cidr ?? "10.0.0.0/16",
            maxAzs: value.maxAzs ?? 2,
            natGateways: value.natGateways ?? 1,
          },
  )
  .describe("The VPC: a new one (cidr, maxAzs, natGateways) or an existing one (vpcId, egressCidrs).");

export interface NewVpcConfig {
  kind: "new";
  cidr: string;
  maxAzs: number;
  natGateways: number;
}
export interface ExistingVpcConfig {
  kind: "existing";
  vpcId: string;
  egressCidrs: string[];
}
export type NetworkConfig = NewVpcConfig | ExistingVpcConfig;

const branch = z
  .string()
  .min(1)
  .regex(/^(?!refs\/)[^\s~^:?*[\\]+$/, 'must be a branch name such as "main" (not refs/heads/...)')
  .default("main")
  .describe("Branch the pipelines build and deploy.");

const codeCommitSource = z
  .object({
    type: z.literal("codecommit"),
    repositoryName: z
      .string()
      .regex(/^[\w.-]{1,100}$/, "must be a CodeCommit repository name (letters, digits, . _ -)")
      .describe("CodeCommit repository the pipelines read."),
    createRepository: z
      .boolean()
      .default(true)
      .describe(
        "true: the shared stack creates the repository (empty; push to it after the first deploy). false: use an existing repository of that name.",
      ),
    branch,
  })
  .strict();

const codeConnectionsSource = z
  .object({
    type: z.literal("codeconnections"),
    connectionArn: z
      .string()
      .regex(
        /^arn:aws[\w-]*:(codeconnections|codestar-connections):[\w-]+:\d{12}:connection\/[\w-]+$/,
        "must be a CodeConnections connection ARN",
      ),
    owner: z.string().min(1).describe("Repository owner (GitHub user or organisation)."),
    repo: z.string().min(1).describe("Repository name."),
    branch,
  })
  .strict();

const alarms = z
  .object({
    target5xxPercent: z
      .number()
      .positive()
      .max(100)
      .default(5)
      .describe(
        "Share of a target group's responses that are 5xx (two minutes in a row) that fails a deployment: each task set is judged on its own traffic.",
      ),
    minimumRequestsPerMinute: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe("Requests a target group must serve in a minute before its 5xx share can fail a deployment."),
    p95ResponseTimeSeconds: z
      .number()
      .positive()
      .default(2)
      .describe("p95 target response time (three minutes in a row) that fails a deployment."),
  })
  .strict();

export const deploymentConfigSchema = z
  .object({
    $schema: z.string().optional(),
    projectName: z
      .string()
      .regex(KEBAB_CASE, KEBAB_CASE_RULE)
      .max(MAX_PROJECT_NAME_LENGTH, `must be at most ${MAX_PROJECT_NAME_LENGTH} characters`)
      .default("bluegreen")
      .describe("Prefix of every stack and named resource."),
    account: z
      .string()
      .regex(/^\d{12}$/, "must be a 12-digit AWS account id")
      .optional()
      .describe("Overrides CDK_DEFAULT_ACCOUNT (the account of the deploy credentials)."),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1")
      .optional()
      .describe("Overrides CDK_DEFAULT_REGION."),
    network: network.prefault({}),
    certificateArn: arn("acm")
      .optional()
      .describe("ACM certificate: production listeners serve HTTPS on 443 and redirect HTTP to it."),
    testListenerPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .refine((port) => port !== 80 && port !== 443, { message: "must differ from the production ports 80 and 443" })
      .default(9000)
      .describe("Port of each load balancer's test listener (the green task set before the switch)."),
    testListenerAllowedCidrs: z
      .array(cidr)
      .default([])
      .describe(
        "Who may call the test listener besides the test-traffic hook (e.g. your office). 0.0.0.0/0 only with testListenerOpenToInternet.",
      ),
    testListenerOpenToInternet: z
      .boolean()
      .default(false)
      .describe(
        "Acknowledge that testListenerAllowedCidrs includes 0.0.0.0/0: the test listener (plain HTTP, the green task set before the switch) is then reachable from the whole internet.",
      ),
    notificationEmail: z
      .email()
      .optional()
      .describe(
        "Receives deployment alarms and pipeline notifications (failed and succeeded executions, approvals); confirm the subscription e-mails.",
      ),
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .optional()
      .describe(
        `Retention of every log group the app creates (default: ${DEFAULT_LOG_RETENTION_DAYS.standard}; ${DEFAULT_LOG_RETENTION_DAYS["control-tower"]} with compliance control-tower, which requires at least ${CONTROL_TOWER_MIN_LOG_RETENTION_DAYS}).`,
      ),
    ecrImagesKept: z.number().int().min(1).max(1000).default(20).describe("Images each ECR repository keeps."),
    artifactLifecycleDays: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe("Days pipeline artifacts and access logs are kept."),
    alarms: alarms.default({ target5xxPercent: 5, minimumRequestsPerMinute: 20, p95ResponseTimeSeconds: 2 }),
    source: z
      .discriminatedUnion("type", [codeCommitSource, codeConnectionsSource])
      .default({ type: "codecommit", repositoryName: "bluegreen", createRepository: true, branch: "main" })
      .describe(
        "Where the pipelines read the code from: CodeCommit (default), or GitHub/GitLab/Bitbucket through a CodeConnections connection.",
      ),
    compliance: z
      .enum(COMPLIANCE_LEVELS)
      .default("standard")
      .describe(
        "standard: the cheap default. control-tower: also passes AWS Control Tower's proactive controls at synth (one-year, KMS-encrypted log groups, load balancer deletion protection; needs notificationEmail and certificateArn), except the exceptions in infra/compliance/exceptions.json (see docs/security.md).",
      ),
    buildComputeType: z
      .enum(BUILD_COMPUTE_TYPES)
      .default("medium")
      .describe(
        "CodeBuild size of every service's image build: small (2 vCPU, 3 GB), medium (4 vCPU, 7 GB), large (8 vCPU, 15 GB).",
      ),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.compliance === "control-tower") {
      for (const [field, message] of Object.entries(CONTROL_TOWER_REQUIRED_FIELDS)) {
        if (config[field as keyof typeof CONTROL_TOWER_REQUIRED_FIELDS] === undefined) {
          ctx.addIssue({ code: "custom", path: [field], message });
        }
      }
      if (config.logRetentionDays !== undefined && config.logRetentionDays < CONTROL_TOWER_MIN_LOG_RETENTION_DAYS) {
        ctx.addIssue({
          code: "custom",
          path: ["logRetentionDays"],
          message:
            `${config.logRetentionDays} is below the ${CONTROL_TOWER_MIN_LOG_RETENTION_DAYS} days compliance ` +
            `control-tower requires (CT.CLOUDWATCH.PR.2): remove it (default ${DEFAULT_LOG_RETENTION_DAYS["control-tower"]}) or raise it`,
        });
      }
    }
    config.testListenerAllowedCidrs.forEach((entry, index) => {
      if (entry === ANYWHERE && !config.testListenerOpenToInternet) {
        ctx.addIssue({
          code: "custom",
          path: ["testListenerAllowedCidrs", index],
          message:
            "opens the test listener (the untested green task set, plain HTTP) to the whole internet: name your " +
            'office\'s range instead, or set "testListenerOpenToInternet": true to acknowledge it',
        });
      }
    });
  });

/** The configuration as written in deployment.config.json (defaults optional). */
export type DeploymentConfigInput = z.input<typeof deploymentConfigSchema>;
/** The validated configuration, every default filled in (the level's log retention too: see withLevelDefaults). */
export type DeploymentConfig = Omit<z.output<typeof deploymentConfigSchema>, "logRetentionDays"> & {
  logRetentionDays: number;
};

/**
 * Fills in the defaults that depend on the compliance level. Not a zod transform: the schema stays an object, whose
 * shape other tools read (the init generator).
 */
export function withLevelDefaults(config: z.output<typeof deploymentConfigSchema>): DeploymentConfig {
  return { ...config, logRetentionDays: config.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS[config.compliance] };
}
export type SourceConfig = DeploymentConfig["source"];
export type CodeCommitSourceConfig = Extract<SourceConfig, { type: "codecommit" }>;
export type CodeConnectionsSourceConfig = Extract<SourceConfig, { type: "codeconnections" }>;
