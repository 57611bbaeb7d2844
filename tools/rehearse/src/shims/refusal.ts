/**
 * A command the rehearsal does not emulate. The shim exits 1 with this message, so a buildspec change the
 * rehearsal cannot follow fails loudly instead of silently drifting from what CodeBuild would do.
 */
export class ShimRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShimRefusal";
  }
}

export function notEmulated(tool: string, args: readonly string[], detail?: string): ShimRefusal {
  return new ShimRefusal(
    `rehearse: buildspec.yml runs \`${[tool, ...args].join(" ")}\`, which the rehearsal does not emulate` +
      `${detail ? ` (${detail})` : ""}; extend tools/rehearse/src/shims`,
  );
}
