import { CfnResource, type IAspect } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";

/**
 * Gives every Lambda function that has no log group of its own one with the configured retention. Such functions
 * are the handlers CDK adds itself (e.g. the custom resource that empties the VPC's default security group); left
 * alone, they log into /aws/lambda/<name> kept forever. CDK's `CustomResourceConfig` covers only singleton-function
 * providers, not these CfnResource-based ones, hence this aspect.
 */
export class LambdaLogRetention implements IAspect {
  private readonly retention: logs.RetentionDays;

  constructor(retention: logs.RetentionDays) {
    this.retention = retention;
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== "AWS::Lambda::Function") return;
    if (node instanceof lambda.CfnFunction) {
      if (node.loggingConfig) return;
    } else if (hasLoggingConfig(node)) {
      return;
    }
    const scope = node.node.scope;
    if (!scope || scope.node.tryFindChild(`${node.node.id}LogGroup`)) return;
    const logGroup = new logs.CfnLogGroup(scope, `${node.node.id}LogGroup`, { retentionInDays: this.retention });
    node.addPropertyOverride("LoggingConfig", { LogGroup: logGroup.ref });
  }
}

function hasLoggingConfig(resource: CfnResource): boolean {
  // Raw CfnResources keep their properties privately; the rendered template is the only public view.
  const properties = (resource as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties;
  return properties?.LoggingConfig !== undefined;
}
