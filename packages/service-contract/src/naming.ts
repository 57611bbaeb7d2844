// The one name rule: services, the project, shared packages and everything derived from them are lowercase
// kebab-case, because they become folders, package names and AWS resource names.

export const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const KEBAB_CASE_RULE = "must be lowercase kebab-case (a-z, 0-9 and single hyphens, starting with a letter)";

/** Whether `value` follows the rule. */
export function isKebabCase(value: string): boolean {
  return KEBAB_CASE.test(value);
}

/** The problem with `value` as a kebab-case name of at most `maxLength` characters, or undefined when it is fine. */
export function kebabCaseProblem(value: string, maxLength?: number): string | undefined {
  if (!isKebabCase(value)) return `"${value}" ${KEBAB_CASE_RULE}`;
  if (maxLength !== undefined && value.length > maxLength) {
    return `"${value}" must be at most ${maxLength} characters (AWS resource names are derived from it)`;
  }
  return undefined;
}
