/** A name the shell can export (environment entries with other names are left out of the build's environment). */
export function isShellVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Quotes a value for a POSIX shell: single quotes, each embedded ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * `export NAME='value'` lines a POSIX shell can source: the form of `export -p` output, so the build's first
 * command starts from this file exactly as later commands start from the previous command's `export -p` dump.
 */
export function formatExports(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .filter(([name]) => isShellVariableName(name))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join("");
}

/** Parses `env -0` output (NAME=value entries separated by NUL bytes). */
export function parseEnvNul(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of output.split("\0")) {
    const equals = entry.indexOf("=");
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}
