/** One `ARG NAME[=default]` instruction of a Dockerfile. */
export interface ArgInstruction {
  name: string;
  /** The default value, unquoted; undefined when the ARG has none. */
  defaultValue: string | undefined;
  /** 1-based line number, for error messages. */
  line: number;
}

/** Every ARG instruction, in order (the same name may appear once per stage). */
export function argInstructions(dockerfile: string): ArgInstruction[] {
  const args: ArgInstruction[] = [];
  dockerfile.split(/\r?\n/).forEach((text, index) => {
    const match = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(text.trimEnd());
    if (!match?.[1]) return;
    const raw = match[2]?.trim();
    args.push({ name: match[1], defaultValue: raw === undefined ? undefined : unquote(raw), line: index + 1 });
  });
  return args;
}

/**
 * The one default of ARG `name`. Throws when the Dockerfile declares it nowhere, or with different defaults in
 * different stages (a pin that disagrees with itself).
 */
export function argDefault(dockerfile: string, name: string, file = "Dockerfile"): string {
  const declared = argInstructions(dockerfile).filter((arg) => arg.name === name && arg.defaultValue !== undefined);
  const first = declared[0];
  if (first?.defaultValue === undefined) throw new Error(`${file}: no ARG ${name} with a default value`);
  const other = declared.find((arg) => arg.defaultValue !== first.defaultValue);
  if (other) {
    throw new Error(
      `${file}: ARG ${name} defaults to "${first.defaultValue}" on line ${first.line} but to "${other.defaultValue}" on line ${other.line}`,
    );
  }
  return first.defaultValue;
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted?.[1] ?? value;
}
