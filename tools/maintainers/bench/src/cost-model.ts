// What N services cost a month before any traffic, from the synthesized templates and list prices: the resources
// that bill by the hour whether or not a request arrives. Traffic (LCUs, NAT data, logs), builds and storage come on top.
import { SERVICES_PER_SHARED_LOAD_BALANCER } from "@repo/service-contract";
import { type Resource, record, type Template } from "./deploy-floor.ts";
import type { Source } from "./model.ts";

export const HOURS_PER_MONTH = 730;

/** On-demand list prices in us-east-1 (USD), as the pricing pages in PRICE_SOURCES gave them in December 2026. */
export const PRICES = {
  loadBalancerHour: 0.0225,
  publicIpv4Hour: 0.005,
  natGatewayHour: 0.045,
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  alarmMetricMonth: 0.1,
  kmsKeyMonth: 1,
} as const;

export const PRICE_SOURCES: Source[] = [
  {
    label: "Application Load Balancer: $0.0225 per hour, plus $0.008 per LCU-hour of traffic (us-east-1)",
    url: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  },
  {
    label: "NAT gateway $0.045 per hour; every public IPv4 address (an ALB holds one per zone) $0.005 per hour",
    url: "https://aws.amazon.com/vpc/pricing/",
  },
  {
    label: "Fargate Linux: x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour; Arm $0.03238 and $0.00356",
    url: "https://aws.amazon.com/fargate/pricing/",
  },
  {
    label: "CloudWatch: $0.10 per standard-resolution alarm metric a month",
    url: "https://aws.amazon.com/cloudwatch/pricing/",
  },
  { label: "KMS: $1 per customer managed key a month", url: "https://aws.amazon.com/kms/pricing/" },
];

/** The billed-by-the-hour resources of one stack. */
export interface StackInventory {
  natGateways: number;
  /** Elastic IPs (the NAT gateways'). */
  elasticIps: number;
  kmsKeys: number;
  /** Metrics watched by the stack's alarms (a metric-math alarm bills each metric it reads). */
  alarmMetrics: number;
  /** Availability zones of each load balancer: one public IPv4 address per zone. */
  loadBalancerZones: number[];
  /** Tasks running at the service's minimum capacity, with their size. */
  tasks: { count: number; vcpu: number; memoryGb: number; architecture: "X86_64" | "ARM64" }[];
}

const of = (template: Template, type: string): Resource[] =>
  Object.values(template.Resources ?? {}).filter((resource) => resource.Type === type);

export function inventory(template: Template): StackInventory {
  const services = of(template, "AWS::ECS::Service");
  const definitions = of(template, "AWS::ECS::TaskDefinition");
  const targets = of(template, "AWS::ApplicationAutoScaling::ScalableTarget");
  const tasks = services.map((service, index) => {
    const definition = definitions[index]?.Properties ?? {};
    const minimum = targets[index]?.Properties?.MinCapacity;
    const architecture = record(definition.RuntimePlatform).CpuArchitecture === "ARM64" ? "ARM64" : "X86_64";
    return {
      count: typeof minimum === "number" ? minimum : Number(service.Properties?.DesiredCount ?? 1),
      vcpu: Number(definition.Cpu) / 1024,
      memoryGb: Number(definition.Memory) / 1024,
      architecture,
    } as const;
  });
  return {
    natGateways: of(template, "AWS::EC2::NatGateway").length,
    elasticIps: of(template, "AWS::EC2::EIP").length,
    kmsKeys: of(template, "AWS::KMS::Key").length,
    alarmMetrics: of(template, "AWS::CloudWatch::Alarm").reduce((sum, alarm) => sum + alarmMetricCount(alarm), 0),
    loadBalancerZones: of(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
      .filter((lb) => lb.Properties?.Scheme !== "internal")
      .map((lb) => zonesOf(lb)),
    tasks,
  };
}

function alarmMetricCount(alarm: Resource): number {
  const metrics = alarm.Properties?.Metrics;
  if (!Array.isArray(metrics)) return 1;
  return metrics.filter((metric) => record(metric).MetricStat !== undefined).length;
}

function zonesOf(loadBalancer: Resource): number {
  const subnets = loadBalancer.Properties?.Subnets;
  const mappings = loadBalancer.Properties?.SubnetMappings;
  if (Array.isArray(subnets)) return subnets.length;
  if (Array.isArray(mappings)) return mappings.length;
  return 2;
}

/** A month of an internet-facing load balancer: its hours and its public addresses, before traffic. */
export function loadBalancerMonth(zones: number): number {
  return (PRICES.loadBalancerHour + zones * PRICES.publicIpv4Hour) * HOURS_PER_MONTH;
}

/** A month of a stack's resources other than its load balancers. */
export function stackMonthWithoutLoadBalancers(stack: StackInventory): number {
  const hourly =
    stack.natGateways * PRICES.natGatewayHour +
    stack.elasticIps * PRICES.publicIpv4Hour +
    stack.tasks.reduce((sum, task) => {
      const price = PRICES.fargate[task.architecture];
      return sum + task.count * (task.vcpu * price.vcpuHour + task.memoryGb * price.gbHour);
    }, 0);
  return hourly * HOURS_PER_MONTH + stack.alarmMetrics * PRICES.alarmMetricMonth + stack.kmsKeys * PRICES.kmsKeyMonth;
}

export type LoadBalancerMode = "dedicated" | "shared";

export interface CostModel {
  /** The shared stack without any shared load balancer. */
  sharedMonth: number;
  /** One service without its load balancer. */
  serviceMonth: number;
  /** One internet-facing load balancer (dedicated or shared: the same kind). */
  loadBalancerMonth: number;
}

export function costModel(shared: StackInventory, service: StackInventory): CostModel {
  const zones = [...service.loadBalancerZones, ...shared.loadBalancerZones][0] ?? 2;
  return {
    sharedMonth: stackMonthWithoutLoadBalancers(shared),
    serviceMonth: stackMonthWithoutLoadBalancers(service),
    loadBalancerMonth: loadBalancerMonth(zones),
  };
}

/** N such services a month: a load balancer each, or one shared per SERVICES_PER_SHARED_LOAD_BALANCER. */
export function monthlyCost(model: CostModel, services: number, mode: LoadBalancerMode): number {
  const loadBalancers = mode === "dedicated" ? services : Math.ceil(services / SERVICES_PER_SHARED_LOAD_BALANCER);
  return model.sharedMonth + services * model.serviceMonth + loadBalancers * model.loadBalancerMonth;
}
