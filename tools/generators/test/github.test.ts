// .github/ lives next to these generators' owner: the checks that keep CI in step with the workspace.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, readJson } from "./support/workspace.ts";

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      "runs-on": string;
      strategy: { matrix: { node: string[] } };
      steps: { uses?: string; run?: string; with?: Record<string, string> }[];
    }
  >;
}

function yamlFile<T>(file: string): T {
  return parse(readFileSync(path.join(REPO_ROOT, file), "utf8")) as T;
}

describe(".github", () => {
  const workflow = yamlFile<Workflow>(".github/workflows/ci.yml");
  const job = workflow.jobs.test;
  const root = readJson<{ packageManager: string; engines: { node: string } }>(REPO_ROOT, "package.json");

  it("CI runs the README's test command with the pnpm version package.json pins", () => {
    const pnpmVersion = root.packageManager.replace(/^pnpm@/, "");
    expect(job?.steps.map((step) => step.run).filter(Boolean)).toEqual([
      // HAProxy for the Deploy rehearsal's tests (tools/rehearse), which fail in CI without it.
      "sudo apt-get update -qq && sudo apt-get install -y -qq haproxy",
      `npm install -g pnpm@${pnpmVersion} && pnpm install && pnpm test`,
    ]);
    expect(job?.["runs-on"]).toBe("ubuntu-latest");
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
  });

  it("CI tests on the Node of .nvmrc and on the oldest Node the engines field allows", () => {
    const setupNode = job?.steps.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with?.["node-version-file"]).toBe(".nvmrc");
    const oldestMajor = /^>=(\d+)/.exec(root.engines.node)?.[1];
    expect(job?.strategy.matrix.node).toEqual(["nvmrc", oldestMajor]);
  });

  it("Dependabot updates npm packages (AWS SDK and CDK grouped) and GitHub Actions", () => {
    const config = yamlFile<{ updates: { "package-ecosystem": string; groups?: Record<string, unknown> }[] }>(
      ".github/dependabot.yml",
    );
    const npm = config.updates.find((update) => update["package-ecosystem"] === "npm");
    expect(Object.keys(npm?.groups ?? {})).toEqual(expect.arrayContaining(["aws-sdk", "aws-cdk"]));
    expect(config.updates.map((update) => update["package-ecosystem"])).toContain("github-actions");
  });

  it("issue templates are forms with a name, a description and a body", () => {
    for (const file of ["bug_report.yml", "feature_request.yml"]) {
      const form = yamlFile<{ name: string; description: string; body: { type: string }[] }>(
        `.github/ISSUE_TEMPLATE/${file}`,
      );
      expect(form.name, file).toBeTruthy();
      expect(form.description, file).toBeTruthy();
      expect(
        form.body.some((field) => field.type === "textarea"),
        file,
      ).toBe(true);
    }
  });
});
