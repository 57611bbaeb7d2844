// Every name derived from the project and service names, in one place. Names are plain strings, never CDK tokens:
// the shared stack's push router must know each pipeline's name before the service stacks exist, and the rehearsal
// derives the same names offline.

/** The Source action's name in every pipeline (the CodeCommit router starts executions with sourceRevisions naming it). */
export const SOURCE_ACTION_NAME = "Source";

/** CodeDeploy may invoke only lifecycle hook functions whose names start with this (and the role names them). */
export const CODEDEPLOY_HOOK_PREFIX = "CodeDeployHook_";

/** Names of what the shared stack creates once per project. */
export interface ProjectNames {
  sharedStack: string;
  pushRouterFunction: string;
  notificationTopic: string;
}

export function projectNames(projectName: string): ProjectNames {
  return {
    sharedStack: `${projectName}-shared`,
    pushRouterFunction: `${projectName}-push-router`,
    notificationTopic: `${projectName}-pipelines`,
  };
}

/** Names of one service's resources. `<project>-<service>` is the stem of most of them. */
export interface ServiceNames {
  service: string;
  stack: string;
  /** Task definition family: the ECS service names it, create-new-task-def reads its newest revision. */
  taskFamily: string;
  /** The container that runs the pipeline's image and receives the load balancer's traffic. */
  container: string;
  pipeline: string;
  pipelineNotificationRule: string;
  buildProject: string;
  codeDeployApplication: string;
  codeDeployDeploymentGroup: string;
  /** CodeDeploy's AfterAllowTestTraffic smoke-test function (CodeDeploy may invoke only CodeDeployHook_*). */
  testTrafficHookFunction: string;
  /** The ECS engine's POST_TEST_TRAFFIC_SHIFT smoke-test function. */
  ecsTestTrafficHookFunction: string;
  /** The ECS engine's Deploy stage: the CodeBuild project that runs ecs-deploy. */
  deployProject: string;
  /** Target tracking on requests per task. */
  requestsScalingPolicy: string;
}

/** Where CodeBuild writes a project's build logs (its default log group; each project's is created with it). */
export function codeBuildLogGroup(projectName: string): string {
  return `/aws/codebuild/${projectName}`;
}

export function serviceNames(projectName: string, serviceName: string): ServiceNames {
  const stem = `${projectName}-${serviceName}`;
  return {
    service: serviceName,
    stack: stem,
    taskFamily: stem,
    container: serviceName,
    pipeline: stem,
    pipelineNotificationRule: `${stem}-pipeline`,
    buildProject: stem,
    codeDeployApplication: stem,
    codeDeployDeploymentGroup: stem,
    testTrafficHookFunction: `${CODEDEPLOY_HOOK_PREFIX}${stem}`,
    ecsTestTrafficHookFunction: `${stem}-test-traffic-hook`,
    deployProject: `${stem}-deploy`,
    requestsScalingPolicy: `${serviceName}-requests-per-target`,
  };
}

/** Lambda function names are at most 64 characters; the longest derived one bounds the project and service names. */
export const MAX_FUNCTION_NAME_LENGTH = 64;
