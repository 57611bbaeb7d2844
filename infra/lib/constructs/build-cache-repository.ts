import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as ecr from "aws-cdk-lib/aws-ecr";
import { Construct } from "constructs";

/** The tag every build overwrites with its BuildKit cache (buildspec.yml: CACHE_REF=$CACHE_REPOSITORY_URI:buildcache). */
export const BUILD_CACHE_TAG = "buildcache";
/** Days an overwritten (now untagged) cache manifest is kept before it expires. */
export const STALE_CACHE_DAYS = 1;

/**
 * Where the service's BuildKit layer cache lives, apart from its images. The image repository has immutable tags
 * (an image tag always means one image) and keeps the last N images; the cache is one tag rewritten by every build,
 * which immutable tags refuse and which would take one of the N places (and leave an untagged manifest behind each
 * time). Here tags are mutable, and what an overwrite leaves untagged expires after a day. Nothing production runs
 * comes from this repository, so it is emptied and deleted with the stack.
 */
export class BuildCacheRepository extends Construct {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.repository = new ecr.Repository(this, "Repository", {
      imageScanOnPush: false,
      imageTagMutability: ecr.TagMutability.MUTABLE,
      encryption: ecr.RepositoryEncryption.AES_256,
      lifecycleRules: [
        {
          description: `expire cache manifests untagged by a newer build after ${STALE_CACHE_DAYS} day(s)`,
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(STALE_CACHE_DAYS),
        },
      ],
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
    (this.repository.node.defaultChild as ecr.CfnRepository).encryptionConfiguration = { encryptionType: "AES256" };
  }
}
