import { readFileSync } from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BUILD_CACHE_TAG,
  BuildCacheRepository,
  STALE_CACHE_DAYS,
} from "../../lib/constructs/build-cache-repository.ts";
import { bareStack } from "../support/stack.ts";

const BUILDSPEC = path.resolve(import.meta.dirname, "../../../buildspec.yml");

describe("BuildCacheRepository", () => {
  let template: Template;
  beforeAll(() => {
    const stack = bareStack();
    new BuildCacheRepository(stack, "BuildCache");
    template = Template.fromStack(stack);
  });

  it("lets every build overwrite the cache tag: mutable tags, no scanning (nothing here runs)", () => {
    template.resourceCountIs("AWS::ECR::Repository", 1);
    template.hasResourceProperties("AWS::ECR::Repository", {
      ImageTagMutability: "MUTABLE",
      ImageScanningConfiguration: { ScanOnPush: false },
      EncryptionConfiguration: { EncryptionType: "AES256" },
    });
  });

  it("expires what an overwrite leaves untagged after a day, and nothing tagged", () => {
    const [repository] = Object.values(template.findResources("AWS::ECR::Repository"));
    const rules = JSON.parse(repository?.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      expect.objectContaining({
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countNumber: STALE_CACHE_DAYS,
          countUnit: "days",
        },
        action: { type: "expire" },
      }),
    ]);
    expect(STALE_CACHE_DAYS).toBe(1);
  });

  it("is emptied and deleted with the stack", () => {
    template.hasResource("AWS::ECR::Repository", {
      DeletionPolicy: "Delete",
      Properties: { EmptyOnDelete: true },
    });
  });

  it("is where buildspec.yml writes the cache, under the tag the lifecycle rule is written for", () => {
    const buildspec = readFileSync(BUILDSPEC, "utf8");
    expect(buildspec).toContain(`export CACHE_REF="$CACHE_REPOSITORY_URI:${BUILD_CACHE_TAG}"`);
    // Never in the image repository, whose tags are immutable.
    expect(buildspec).not.toContain(`$REPOSITORY_URI:${BUILD_CACHE_TAG}`);
  });
});
