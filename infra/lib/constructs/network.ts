import {
  DeploymentConfigError,
  type DeploymentEnvironment,
  NEW_VPC_SUBNET_MASKS,
  type NetworkConfig,
} from "@repo/service-contract";
import { Fn, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { trustedService } from "../trust.ts";

export interface NetworkProps {
  network: NetworkConfig;
  environment: DeploymentEnvironment;
  logRetention: logs.RetentionDays;
  /** Where the config came from, for error messages. */
  configFile: string;
}

/** The VPC every service runs in: a new one (public + private subnets, NAT, flow logs) or an existing one. */
export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  /**
   * Public addresses traffic from the private subnets leaves through (NAT gateways, /32): the test-traffic hook
   * reaches the internet-facing test listener from there, so the listener admits exactly these.
   */
  readonly egressCidrs: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { network } = props;
    if (network.kind === "existing") {
      if (props.environment.placeholder) {
        throw new DeploymentConfigError(props.configFile, [
          `network.vpcId: looking up ${network.vpcId} needs a real account and region. Run cdk with AWS ` +
            "credentials (the CLI sets CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION from them), " +
            `or set "account" and "region" in ${props.configFile}.`,
        ]);
      }
      this.vpc = ec2.Vpc.fromLookup(this, "Vpc", { vpcId: network.vpcId });
      this.egressCidrs = network.egressCidrs;
      return;
    }

    const vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(network.cidr),
      // Fn::GetAZs tokens instead of stack.availabilityZones: no context lookup, so synth needs no credentials.
      availabilityZones: Array.from({ length: network.maxAzs }, (_, index) => Fn.select(index, Fn.getAzs())),
      natGateways: network.natGateways,
      subnetConfiguration: [
        // Nothing launched there needs an address of its own: the load balancers get theirs from ELB, the NAT gateways
        // their Elastic IPs (CT.EC2.PR.11).
        {
          name: "public",
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: NEW_VPC_SUBNET_MASKS.public,
          mapPublicIpOnLaunch: false,
        },
        { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: NEW_VPC_SUBNET_MASKS.private },
      ],
      restrictDefaultSecurityGroup: true,
    });
    const flowLogGroup = new logs.LogGroup(this, "FlowLogs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const flowLogRole = new iam.Role(this, "FlowLogRole", {
      assumedBy: trustedService(
        this,
        "vpc-flow-logs.amazonaws.com",
        Stack.of(this).formatArn({ service: "ec2", resource: "vpc-flow-log", resourceName: "*" }),
      ),
      description: "VPC flow logs: write rejected traffic to the flow log group",
    });
    vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
    this.egressCidrs = vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild("EIP");
      return eip instanceof ec2.CfnEIP ? [`${eip.attrPublicIp}/32`] : [];
    });
  }
}
