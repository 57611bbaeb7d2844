/**
 * The trigger paths of a service shaped like the sample (its folder, its tsconfig package, the Build-stage tool and
 * every root build input): what trigger-paths.test.ts expects triggerPathsFor to list, and a realistic input of over
 * eight paths for push-filters.test.ts.
 */
export function sampleLikeTriggerPaths(serviceDir: string): string[] {
  return [
    ".dockerignore",
    `${serviceDir}/`,
    "appspec.yaml",
    "buildspec.yml",
    "package.json",
    "packages/create-new-task-def/",
    "packages/tsconfig/",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "taskdef.template.json",
    "turbo.json",
  ];
}
