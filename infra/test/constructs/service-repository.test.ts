import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ServiceRepository } from "../../lib/constructs/service-repository.ts";
import { bareStack } from "../support/stack.ts";

describe("ServiceRepository", () => {
  let template: Template;
  beforeAll(() => {
    const stack = bareStack();
    new ServiceRepository(stack, "Image", { imagesKept: 12 });
    template = Template.fromStack(stack);
  });

  it("scans every pushed image and never lets a tag move to another image", () => {
    template.resourceCountIs("AWS::ECR::Repository", 1);
    template.hasResourceProperties("AWS::ECR::Repository", {
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: "IMMUTABLE",
    });
  });

  it("states its encryption (AES-256) in the template", () => {
    template.hasResourceProperties("AWS::ECR::Repository", { EncryptionConfiguration: { EncryptionType: "AES256" } });
  });

  it("survives the stack's deletion: production runs and rolls back to its images", () => {
    template.hasResource("AWS::ECR::Repository", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { EmptyOnDelete: Match.absent() },
    });
  });

  it("keeps the newest N images and expires the rest", () => {
    const policy = template.findResources("AWS::ECR::Repository");
    const [repository] = Object.values(policy);
    const rules = JSON.parse(repository?.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      {
        rulePriority: 1,
        description: "keep the last 12 images",
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 12 },
        action: { type: "expire" },
      },
    ]);
  });
});
