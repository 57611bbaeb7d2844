// Reading the JSON files people write (service.json, deployment.config.json): every problem names the file and the
// field, so a person can act on it.
import { readFileSync } from "node:fs";
import type { z } from "zod";

/** Problems found in one file; the message names the file, and the field in each problem. */
export class FileProblemsError extends Error {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(
      problems.length === 1
        ? `${file}: ${problems[0]}`
        : `${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${file}: ${p}`).join("\n")}`,
    );
    this.file = file;
    this.problems = problems;
    this.name = "FileProblemsError";
  }
}

/** Reads and parses a JSON file; what goes wrong (unreadable, not JSON) comes back as one problem sentence. */
export function readJsonFile(file: string): { value: unknown } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message})` };
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `${where}: ${issue.message}`;
  });
}
