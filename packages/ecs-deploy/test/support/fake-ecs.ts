import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback ECS (127.0.0.1, ephemeral port) that speaks awsJson1_1 (POST /, `X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Operation>`, SigV4-signed) and keeps just enough state for this step: one
 * service, registered task definitions, service revisions, and service deployments that play a script. Each
 * DescribeServiceDeployments of a deployment answers its next step (merged over what it was), the last step repeats,
 * so a test lays out exactly the sequence ECS would show.
 */
export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const CLUSTER = "bluegreen";
export const SERVICE = "sample-service";
const ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}`;
export const SERVICE_ARN = `${ARN}:service/${CLUSTER}/${SERVICE}`;

/** A partial ServiceDeployment as ECS's JSON carries it (timestamps in epoch seconds). */
export type Step = Record<string, unknown>;

export interface FakeEcsSetup {
  /** Merged over the service DescribeServices returns (deploymentConfiguration, deploymentController, ...). */
  service?: Record<string, unknown>;
  /** DescribeServices answers that the service does not exist. */
  serviceMissing?: boolean;
  /** The service's current deployment when the run starts (an earlier run, a manual update, ...). */
  current?: { image: string; steps: Step[] };
  /** What the deployment UpdateService starts goes through. */
  steps?: Step[];
  /** UpdateService's answer leaves out currentServiceDeployment, so the step must read the service again. */
  updateOmitsDeployment?: boolean;
}

export interface Received {
  operation: string;
  body: Record<string, unknown>;
}

export interface EcsFault {
  type: string;
  message: string;
  status?: number;
}

export interface FakeEcs {
  url: string;
  requests: Received[];
  /** The bodies of every request for one operation, in order. */
  bodies(operation: string): Record<string, unknown>[];
  /** The next `count` calls of `operation` answer `fault` instead. */
  failNext(operation: string, count: number, fault: EcsFault): void;
  close(): Promise<void>;
}

export const throttled: EcsFault = { type: "ThrottlingException", message: "Rate exceeded" };

interface Deployment {
  state: Record<string, unknown>;
  steps: Step[];
  next: number;
}

export async function startFakeEcs(setup: FakeEcsSetup): Promise<FakeEcs> {
  const requests: Received[] = [];
  const faults = new Map<string, EcsFault[]>();
  const revisions = new Map<string, Record<string, unknown>>();
  const deployments = new Map<string, Deployment>();
  const taskDefinitions = new Map<string, Record<string, unknown>>();
  let revisionNumber = 7;
  let sequence = 0;

  const service: Record<string, unknown> = {
    serviceArn: SERVICE_ARN,
    serviceName: SERVICE,
    clusterArn: `${ARN}:cluster/${CLUSTER}`,
    status: "ACTIVE",
    desiredCount: 2,
    taskDefinition: `${ARN}:task-definition/${SERVICE}:${revisionNumber}`,
    deploymentController: { type: "ECS" },
    deploymentConfiguration: {
      strategy: "BLUE_GREEN",
      bakeTimeInMinutes: 0,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
    ...setup.service,
  };

  const startDeployment = (taskDefinition: string, image: string, steps: Step[]): string => {
    sequence += 1;
    const revisionArn = `${ARN}:service-revision/${CLUSTER}/${SERVICE}/${1000 + sequence}`;
    const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
    revisions.set(revisionArn, {
      serviceRevisionArn: revisionArn,
      serviceArn: SERVICE_ARN,
      taskDefinition,
      containerImages: [{ containerName: SERVICE, image, ...(digest ? { imageDigest: digest } : {}) }],
      createdAt: 1767225600 + sequence,
    });
    const arn = `${ARN}:service-deployment/${CLUSTER}/${SERVICE}/deployment-${sequence}`;
    deployments.set(arn, {
      state: {
        serviceDeploymentArn: arn,
        serviceArn: SERVICE_ARN,
        clusterArn: service.clusterArn,
        createdAt: 1767225600 + sequence,
        targetServiceRevision: { arn: revisionArn, requestedTaskCount: 2, runningTaskCount: 0, pendingTaskCount: 0 },
        status: "PENDING",
      },
      steps,
      next: 0,
    });
    service.currentServiceDeployment = arn;
    service.taskDefinition = taskDefinition;
    return arn;
  };
  if (setup.current) {
    startDeployment(`${ARN}:task-definition/${SERVICE}:${revisionNumber}`, setup.current.image, setup.current.steps);
  }

  const error = (fault: EcsFault) => ({
    status: fault.status ?? 400,
    body: { __type: fault.type, message: fault.message },
  });
  const ok = (body: unknown) => ({ status: 200, body });

  const operations: Record<string, (body: Record<string, unknown>) => { status: number; body: unknown }> = {
    DescribeServices(body) {
      const named = (body.services as string[] | undefined)?.[0];
      if (setup.serviceMissing || body.cluster !== CLUSTER || named !== SERVICE) {
        return ok({ services: [], failures: [{ arn: `${ARN}:service/${body.cluster}/${named}`, reason: "MISSING" }] });
      }
      return ok({ services: [service], failures: [] });
    },
    RegisterTaskDefinition(body) {
      if (typeof body.family !== "string" || !Array.isArray(body.containerDefinitions)) {
        return error({ type: "ClientException", message: "family and containerDefinitions are required" });
      }
      revisionNumber += 1;
      const arn = `${ARN}:task-definition/${body.family}:${revisionNumber}`;
      const { tags, ...input } = body;
      const registered = { ...input, taskDefinitionArn: arn, revision: revisionNumber, status: "ACTIVE" };
      taskDefinitions.set(arn, registered);
      return ok({ taskDefinition: registered, tags: tags ?? [] });
    },
    UpdateService(body) {
      const taskDefinition = taskDefinitions.get(String(body.taskDefinition));
      if (body.cluster !== CLUSTER || body.service !== SERVICE) {
        return error({ type: "ServiceNotFoundException", message: "Service not found." });
      }
      if (!taskDefinition) return error({ type: "ClientException", message: "TaskDefinition not found." });
      const container = (taskDefinition.containerDefinitions as Record<string, unknown>[]).find(
        (c) => c.name === SERVICE,
      );
      startDeployment(String(body.taskDefinition), String(container?.image), setup.steps ?? []);
      const answer = { ...service };
      if (setup.updateOmitsDeployment) delete answer.currentServiceDeployment;
      return ok({ service: answer });
    },
    DescribeServiceDeployments(body) {
      const found: unknown[] = [];
      const failures: unknown[] = [];
      for (const arn of body.serviceDeploymentArns as string[]) {
        const deployment = deployments.get(arn);
        if (!deployment) {
          failures.push({ arn, reason: "MISSING" });
          continue;
        }
        const step = deployment.steps[Math.min(deployment.next, deployment.steps.length - 1)];
        deployment.next += 1;
        const targetServiceRevision = {
          ...(deployment.state.targetServiceRevision as object),
          ...(step?.targetServiceRevision as object | undefined),
        };
        deployment.state = {
          ...deployment.state,
          ...step,
          targetServiceRevision,
          updatedAt: 1767225600 + deployment.next,
        };
        found.push(deployment.state);
      }
      return ok({ serviceDeployments: found, failures });
    },
    DescribeServiceRevisions(body) {
      const arns = body.serviceRevisionArns as string[];
      return ok({ serviceRevisions: arns.flatMap((arn) => revisions.get(arn) ?? []), failures: [] });
    },
    StopServiceDeployment(body) {
      const deployment = deployments.get(String(body.serviceDeploymentArn));
      if (!deployment) return error({ type: "ServiceDeploymentNotFoundException", message: "not found" });
      deployment.steps = [{ status: "ROLLBACK_REQUESTED" }];
      deployment.next = 0;
      return ok({ serviceDeploymentArn: body.serviceDeploymentArn });
    },
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = ({ status, body }: { status: number; body: unknown }) => {
        response.writeHead(status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-requestid": `req-${requests.length}`,
        });
        response.end(JSON.stringify(body));
      };
      const target = String(request.headers["x-amz-target"] ?? "");
      const operation = target.startsWith(`${ECS_TARGET_PREFIX}.`)
        ? target.slice(ECS_TARGET_PREFIX.length + 1)
        : target;
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        return reply(
          error({ type: "MissingAuthenticationTokenException", message: "request is not signed", status: 403 }),
        );
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        return reply(error({ type: "SerializationException", message: "body is not JSON" }));
      }
      requests.push({ operation, body });
      const fault = faults.get(operation)?.shift();
      if (fault) return reply(error(fault));
      const handle = operations[operation];
      reply(
        handle ? handle(body) : error({ type: "UnknownOperationException", message: `unexpected operation ${target}` }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bodies: (operation) => requests.filter((r) => r.operation === operation).map((r) => r.body),
    failNext(operation, count, fault) {
      faults.set(operation, [...(faults.get(operation) ?? []), ...Array.from({ length: count }, () => fault)]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}
