/** A problem with what the user asked for (an answer, the workspace's state): shown as is, without a stack. */
export class GeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GeneratorError";
  }
}

/** The first line of every problem, one per line: what plop prints for a failed action. */
export function problemsMessage(title: string, problems: readonly string[]): string {
  if (problems.length === 1) return `${title}: ${problems[0]}`;
  return `${title}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`;
}
