import { describe, expect, it } from "vitest";
import { codeCommitPushEventPattern } from "../src/index.ts";

describe("codeCommitPushEventPattern", () => {
  it("selects branch reference changes of one repository and one branch, in aws-cdk-lib's EventPattern shape", () => {
    expect(codeCommitPushEventPattern("arn:aws:codecommit:eu-west-1:111122223333:shop", "main")).toEqual({
      source: ["aws.codecommit"],
      detailType: ["CodeCommit Repository State Change"],
      resources: ["arn:aws:codecommit:eu-west-1:111122223333:shop"],
      detail: {
        event: ["referenceCreated", "referenceUpdated", "referenceDeleted"],
        referenceType: ["branch"],
        referenceName: ["main"],
      },
    });
  });
});
