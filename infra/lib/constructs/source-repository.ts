import type { CodeCommitSourceConfig } from "@repo/service-contract";
import { RemovalPolicy } from "aws-cdk-lib";
import * as codecommit from "aws-cdk-lib/aws-codecommit";
import { Construct } from "constructs";

export interface SourceRepositoryProps {
  source: CodeCommitSourceConfig;
  projectName: string;
}

/**
 * The CodeCommit repository the pipelines read: created here (empty, kept when the stack is deleted: it holds the
 * code), or an existing one imported by name. Either way its name is the configured one, so the service stacks can
 * import it by name without a cross-stack reference.
 */
export class SourceRepository extends Construct {
  readonly repository: codecommit.IRepository;
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: SourceRepositoryProps) {
    super(scope, id);
    const { repositoryName, createRepository } = props.source;
    this.created = createRepository;
    if (!createRepository) {
      this.repository = codecommit.Repository.fromRepositoryName(this, "Repository", repositoryName);
      return;
    }
    const repository = new codecommit.Repository(this, "Repository", {
      repositoryName,
      description: `${props.projectName}: the monorepo every service pipeline builds from`,
    });
    repository.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.repository = repository;
  }
}
