import type * as s3 from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";
import { iamResourceFinding, suppress } from "./nag.ts";

/**
 * CDK's artifact grants (bucket.grantRead / grantReadWrite) use prefix wildcards (s3:GetObject*, s3:List*...) on the
 * artifact bucket's objects: CodePipeline names artifact objects itself, so no narrower resource exists. Acknowledged
 * on the role (or the construct whose role) that receives them, naming this bucket exactly.
 */
export function acknowledgeArtifactGrant(
  holder: IConstruct & { readonly node: IConstruct["node"] },
  bucket: s3.IBucket,
  who: string,
  access: "read" | "read-write",
): void {
  const write = access === "read-write";
  suppress(holder, [
    {
      id: "AwsSolutions-IAM5",
      reason:
        `${who} reads${write ? " and writes" : ""} pipeline artifacts, whose object keys CodePipeline generates: ` +
        `CDK's artifact grant (s3:GetObject*, s3:GetBucket*, s3:List*${write ? ", s3:DeleteObject*, s3:Abort*" : ""}) ` +
        "on the service's own artifact bucket's objects only.",
      appliesTo: [
        "Action::s3:GetObject*",
        "Action::s3:GetBucket*",
        "Action::s3:List*",
        ...(write ? ["Action::s3:DeleteObject*", "Action::s3:Abort*"] : []),
        iamResourceFinding(holder, bucket.arnForObjects("*")),
      ],
    },
  ]);
}
