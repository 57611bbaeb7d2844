import type { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { SourceRepository } from "../../lib/constructs/source-repository.ts";
import { bareStack, UNIT_ENV } from "../support/stack.ts";

function sourceRepository(createRepository: boolean): { stack: Stack; source: SourceRepository } {
  const stack = bareStack();
  const source = new SourceRepository(stack, "Source", {
    source: { type: "codecommit", repositoryName: "monorepo", branch: "main", createRepository },
    projectName: "project",
  });
  return { stack, source };
}

describe("SourceRepository", () => {
  it("creates the named repository and keeps it when the stack is deleted (it holds the code)", () => {
    const { stack, source } = sourceRepository(true);
    expect(source.created).toBe(true);
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::CodeCommit::Repository", 1);
    template.hasResource("AWS::CodeCommit::Repository", {
      Properties: {
        RepositoryName: "monorepo",
        RepositoryDescription: "project: the monorepo every service pipeline builds from",
      },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("imports an existing repository by its name, creating nothing", () => {
    const { stack, source } = sourceRepository(false);
    expect(source.created).toBe(false);
    Template.fromStack(stack).resourceCountIs("AWS::CodeCommit::Repository", 0);
    expect(source.repository.repositoryName).toBe("monorepo");
    expect(stack.resolve(source.repository.repositoryArn)).toBe(
      `arn:aws:codecommit:${UNIT_ENV.region}:${UNIT_ENV.account}:monorepo`,
    );
  });
});
