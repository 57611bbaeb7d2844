import { RemovalPolicy } from "aws-cdk-lib";
import * as ecr from "aws-cdk-lib/aws-ecr";
import { Construct } from "constructs";

export interface ServiceRepositoryProps {
  /** How many images the repository keeps (the newest). */
  imagesKept: number;
}

/** The service's image repository: scanned on push, immutable tags, encrypted, the last N images kept. */
export class ServiceRepository extends Construct {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    this.repository = new ecr.Repository(this, "Repository", {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.AES_256,
      lifecycleRules: [{ description: `keep the last ${props.imagesKept} images`, maxImageCount: props.imagesKept }],
      // Images are what production runs and rolls back to: a stack deletion must not take them along.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AES-256 is ECR's default and CDK leaves it implicit; written out, the template states the encryption.
    (this.repository.node.defaultChild as ecr.CfnRepository).encryptionConfiguration = { encryptionType: "AES256" };
  }
}
