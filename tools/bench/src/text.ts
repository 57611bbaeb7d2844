/** Removes terminal colour and cursor escapes (CSI sequences), which tools print even into a pipe. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is being removed.
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}
