/**
 * Prompts are shown only to a person at a terminal. In scripts and CI (no TTY, or CI set) nothing is asked:
 * every answer not given on the command line, or given as `_`, takes its default.
 */
export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI.toLowerCase() !== "false";
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ci;
}

/** A prompt answer the person or the command line actually gave (`_` means "the default"). */
export function given(value: unknown): boolean {
  return value !== undefined && value !== "" && !(typeof value === "string" && /^_+$/.test(value));
}

/** inquirer's validate contract: true, or the message to show. */
export function asValidation(problem: string | undefined): true | string {
  return problem ?? true;
}

export interface QuestionSpec<Answers> {
  name: string;
  message: string | ((answers: Answers) => string);
  default?: string | ((answers: Answers) => string | undefined);
  /** The answer's own check (the one resolve*Settings runs again before anything is written). */
  problem: (value: unknown, answers?: Answers) => string | undefined;
}

/** A text question, asked only in a terminal, checked by the answer's own problem function. */
export function question<Answers>(spec: QuestionSpec<Answers>, interactive: boolean) {
  return {
    type: "input" as const,
    name: spec.name,
    message: spec.message,
    when: interactive,
    ...(spec.default === undefined ? {} : { default: spec.default }),
    validate: (value: string, answers?: Answers) => asValidation(spec.problem(value, answers)),
  };
}

interface Choice {
  name: string;
  value: string;
}

/**
 * A list prompt's command-line answer: a choice's value, its name, or its index (what plop accepts), with the
 * problem message of the answer's own validator when nothing matches.
 */
export function listBypass(problem: (value: unknown) => string | undefined) {
  return (value: string, prompt: { choices: readonly Choice[] }): string => {
    const wanted = value.toLowerCase();
    const match = prompt.choices.find(
      (choice, index) =>
        choice.value.toLowerCase() === wanted || choice.name.toLowerCase() === wanted || String(index) === value,
    );
    if (match) return match.value;
    throw new Error(problem(value) ?? `"${value}" is not one of the choices`);
  };
}

/** Adds plop's `bypass` hook (not part of inquirer's question types) to a prompt. */
export function withBypass<T extends object>(prompt: T, bypass: (value: string, prompt: never) => unknown): T {
  return Object.assign(prompt, { bypass });
}
