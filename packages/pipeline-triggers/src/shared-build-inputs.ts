import type { DeploymentEngine } from "@repo/service-contract";

/**
 * What every service's build reads besides its own folder and its workspace dependencies: a change to any of
 * these must start every pipeline. Files are listed only when they exist; a folder (trailing slash) is a workspace
 * package the Build stage runs, and brings its own workspace dependencies along.
 */
export const SHARED_BUILD_INPUTS = [
  // The lockfile pins every dependency version the image installs (`pnpm install --frozen-lockfile`).
  "pnpm-lock.yaml",
  // Root manifest: packageManager (pnpm version), engines, root scripts and devDependencies (turbo) of the build.
  "package.json",
  // Which folders are workspace packages, the catalog versions every "catalog:" entry resolves to, build settings.
  "pnpm-workspace.yaml",
  // Task graph and cache inputs of `turbo prune` / `turbo build` inside the image build.
  "turbo.json",
  // The one Build-stage recipe every service's CodeBuild project runs.
  "buildspec.yml",
  // The AppSpec template the Build stage hands to the Deploy stage.
  "appspec.yaml",
  // The task definition template rendered by the Build stage (template mode) and the local rehearsal.
  "taskdef.template.json",
  // Decides what enters the Docker build context, so it changes what every image is built from.
  ".dockerignore",
  // Registry and install settings pnpm reads during the image's install, when the repository has one.
  ".npmrc",
  // The Build stage runs this CLI to write taskdef.json, appspec.yaml and imageDetail.json for every service.
  "packages/create-new-task-def/",
] as const;

/** What one engine's Deploy stage runs besides the shared inputs: its change must start that engine's pipelines. */
export const DEPLOY_STAGE_INPUTS: Readonly<Record<DeploymentEngine, readonly string[]>> = {
  codedeploy: [],
  // The ECS engine's Deploy stage builds and runs this CLI (packages/ecs-deploy/buildspec.yml).
  ecs: ["packages/ecs-deploy/"],
};
