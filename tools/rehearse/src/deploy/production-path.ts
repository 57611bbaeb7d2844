// Where the load generator sends its requests: "/" on a listener of the service's own, or a path (and host) its rule
// on a shared listener matches.
import type { Listener } from "./topology.ts";

/** A concrete value an ALB condition value matches: `*` matches nothing, `?` one letter. */
function example(pattern: string): string {
  return pattern.replaceAll("*", "").replaceAll("?", "a");
}

export function productionPath(listener: Listener): { path: string; host: string | undefined } {
  const rule = listener.rule;
  if (!rule) return { path: "/", host: undefined };
  // The prefix's "/*" form: the service's root after the rule's rewrite.
  const pattern = rule.pathPatterns.find((candidate) => candidate.endsWith("/*")) ?? rule.pathPatterns[0] ?? "/";
  const host = rule.hosts[0];
  return {
    path: example(pattern) || "/",
    host: host === undefined ? undefined : example(host.replace(/^\*\./, "rehearsal.")),
  };
}
