// The root README's picture of the workspace is drawn from the package.json files, and its layout names every package.
import { readFileSync } from "node:fs";
import path from "node:path";
import { readWorkspace } from "@repo/pipeline-triggers";
import { describe, expect, it } from "vitest";
import { diagramIn, README, withDiagram, workspaceDiagram } from "../src/workspace/diagram.ts";
import { REPO_ROOT } from "./support/workspace.ts";

const readme = readFileSync(path.join(REPO_ROOT, README), "utf8");
const workspace = readWorkspace(REPO_ROOT);

describe("README.md", () => {
  it("shows the workspace graph as the package.json files have it (pnpm --filter @repo/generators readme-graph)", () => {
    expect(diagramIn(readme)).toBe(workspaceDiagram(workspace));
  });

  it("names every workspace package in its layout", () => {
    const layout = readme.slice(readme.indexOf("## Layout"), readme.indexOf("\n## ", readme.indexOf("## Layout") + 1));
    for (const pkg of workspace.packages) {
      expect(layout, pkg.dir).toMatch(new RegExp(`^ *${path.posix.basename(pkg.dir)}/ `, "m"));
    }
  });
});

describe("the workspace diagram", () => {
  it("draws each package in its folder's group, an arrow per dependency, dashed for a devDependency only", () => {
    const diagram = workspaceDiagram(workspace);
    expect(diagram).toMatch(/^```mermaid\nflowchart LR\n/);
    expect(diagram).toContain(
      '  subgraph apps["apps/: the services"]\n    apps_sample_service["sample-service"]\n  end',
    );
    expect(diagram).toContain("  tools_generators --> packages_pipeline_triggers");
    expect(diagram).toContain("  tools_maintainers_bench -.-> infra");
    // The shared TypeScript settings: drawn, without the arrow from every package.
    expect(diagram).toContain('packages_tsconfig["tsconfig (every package uses it)"]');
    expect(diagram).not.toContain("--> packages_tsconfig");
    expect(diagram).not.toContain(".-> packages_tsconfig");
  });

  it("leaves out the folders it is asked to, with their arrows", () => {
    const diagram = workspaceDiagram(workspace, ["tools/maintainers"]);
    expect(diagram).not.toContain("tools_maintainers");
    expect(diagram).toContain("tools_rehearse");
  });

  it("replaces the README's block, and only it", () => {
    const replaced = withDiagram(readme, "```mermaid\nflowchart LR\n```");
    expect(diagramIn(replaced)).toBe("```mermaid\nflowchart LR\n```");
    expect(replaced.slice(0, 200)).toBe(readme.slice(0, 200));
    expect(() => withDiagram("# no diagram here\n", "x")).toThrow("README.md has no workspace diagram block");
  });
});
